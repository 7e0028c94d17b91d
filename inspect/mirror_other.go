//go:build gc && (!go1.26 || go1.28)

package inspect

import "unsafe"

// mirroredRelease is empty: this Go release's map layout has not been
// mirrored and checked, so Inspect refuses to read it.
const mirroredRelease = ""

// mapType is a placeholder so the package builds; it is never read
// because checkRuntime fails first.
type mapType struct {
	Type      abiType
	Key       *abiType
	Elem      *abiType
	Group     *abiType
	Hasher    func(unsafe.Pointer, uintptr) uintptr
	GroupSize uintptr
	Flags     uint32
}

func (mt *mapType) keyStride() uintptr { return 0 }
