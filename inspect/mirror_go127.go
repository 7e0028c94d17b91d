//go:build gc && go1.27 && !go1.28

package inspect

import "unsafe"

// mirroredRelease is the Go release line whose map layout this build reads.
const mirroredRelease = "go1.27"

// mapType mirrors internal/abi.MapType (map.go), Go 1.27.
type mapType struct {
	Type       abiType
	Key        *abiType
	Elem       *abiType
	Group      *abiType
	Hasher     func(unsafe.Pointer, uintptr) uintptr
	GroupSize  uintptr
	KeysOff    uintptr
	KeyStride  uintptr
	ElemsOff   uintptr
	ElemStride uintptr
	ElemOff    uintptr
	Flags      uint32
}

// keyStride is the distance between two keys of a group.
func (mt *mapType) keyStride() uintptr { return mt.KeyStride }
