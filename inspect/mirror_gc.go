//go:build gc

package inspect

import "unsafe"

// Mirrors of the gc runtime's map structures. Each names the file and the
// Go releases it mirrors; TestMirrorDrift parses those files from the
// running toolchain's GOROOT and fails when a field's name, type or order
// differs. Changes here must follow the runtime, never the other way.
//
// The structs shared by Go 1.26 and Go 1.27 live here; abi.MapType, which
// differs, lives in mirror_go126.go and mirror_go127.go.

// swissMap mirrors internal/runtime/maps.Map (map.go), Go 1.26 and Go 1.27.
type swissMap struct {
	used              uint64
	seed              uintptr
	dirPtr            unsafe.Pointer
	dirLen            int
	globalDepth       uint8
	globalShift       uint8
	writing           uint8
	tombstonePossible bool
	clearSeq          uint64
}

// swissTable mirrors internal/runtime/maps.table (table.go), Go 1.26 and Go 1.27.
type swissTable struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int
	groups     groupsReference
}

// groupsReference mirrors internal/runtime/maps.groupsReference (group.go),
// Go 1.26 and Go 1.27.
type groupsReference struct {
	data       unsafe.Pointer
	lengthMask uint64
}

// groupReference mirrors internal/runtime/maps.groupReference (group.go),
// Go 1.26 and Go 1.27.
type groupReference struct {
	data unsafe.Pointer
}

// swissIter mirrors internal/runtime/maps.Iter (table.go), Go 1.26 and Go 1.27.
type swissIter struct {
	key         unsafe.Pointer
	elem        unsafe.Pointer
	typ         *mapType
	m           *swissMap
	entryOffset uint64
	dirOffset   uint64
	clearSeq    uint64
	globalDepth uint8
	dirIdx      int
	tab         *swissTable
	group       groupReference
	entryIdx    uint64
}

// abiType mirrors internal/abi.Type (type.go), Go 1.26 and Go 1.27.
type abiType struct {
	Size_       uintptr
	PtrBytes    uintptr
	Hash        uint32
	TFlag       uint8 // abi.TFlag
	Align_      uint8
	FieldAlign_ uint8
	Kind_       uint8 // abi.Kind
	Equal       func(unsafe.Pointer, unsafe.Pointer) bool
	GCData      *byte
	Str         int32 // abi.NameOff
	PtrToThis   int32 // abi.TypeOff
}

// reflectValue mirrors reflect.Value (value.go), Go 1.26 and Go 1.27.
type reflectValue struct {
	typ_ *abiType
	ptr  unsafe.Pointer
	flag uintptr // reflect.flag
}

// reflectMapIter mirrors reflect.MapIter (map.go), Go 1.26 and Go 1.27.
type reflectMapIter struct {
	m     reflectValue
	hiter swissIter
}

// Constants of internal/runtime/maps and internal/abi, Go 1.26 and Go 1.27.
const (
	maxKeyBytes      = 128  // abi.MapMaxKeyBytes
	maxElemBytes     = 128  // abi.MapMaxElemBytes
	maxTableCapacity = 1024 // maps.maxTableCapacity
	kindMask         = 31   // abi.Kind values fit in 5 bits
	kindMap          = 21   // abi.Map
	flagIndirectKey  = 4    // abi.MapIndirectKey
	flagIndirectElem = 8    // abi.MapIndirectElem
)

// eface is the layout of an empty interface (runtime.eface, runtime2.go).
type eface struct {
	typ  *abiType
	data unsafe.Pointer
}

// Sizes of the runtime structures a map holds, for Stats.
const (
	headerBytes = unsafe.Sizeof(swissMap{})
	tableBytes  = unsafe.Sizeof(swissTable{})
	extraBytes  = 0 // classic only
	ptrBytes    = unsafe.Sizeof(uintptr(0))
)
