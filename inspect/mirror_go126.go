//go:build gc && go1.26 && !go1.27

package inspect

import "unsafe"

// mirroredRelease is the Go release line whose map layout this build reads.
const mirroredRelease = "go1.26"

// mapType mirrors internal/abi.MapType (map.go), Go 1.26.
type mapType struct {
	Type      abiType
	Key       *abiType
	Elem      *abiType
	Group     *abiType
	Hasher    func(unsafe.Pointer, uintptr) uintptr
	GroupSize uintptr
	SlotSize  uintptr
	ElemOff   uintptr
	Flags     uint32
}

// keyStride is the distance between two keys of a group.
func (mt *mapType) keyStride() uintptr { return mt.SlotSize }
