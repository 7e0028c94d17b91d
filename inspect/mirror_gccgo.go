//go:build gccgo

package inspect

import "unsafe"

// Mirrors of libgo's classic map structures: the Go 1.18 runtime map as
// shipped by GCC 12 (libgo.so.21). The authority is the installed export
// data, /usr/lib/x86_64-linux-gnu/go/12/x86_64-linux-gnu/runtime.gox and
// reflect.gox (libgo/go/runtime/map.go, type.go and libgo/go/reflect/
// value.go, map iteration in value.go); TestGccgoMirrorDrift parses those
// files and fails when a field's name, type or order differs.
//
// Keep this file to the Go 1.18 language: GCC 12's front end has no
// generics.

// hmap mirrors runtime.hmap (libgo/go/runtime/map.go, Go 1.18 / GCC 12).
type hmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	extra      *mapextra
}

// mapextra mirrors runtime.mapextra (libgo/go/runtime/map.go, Go 1.18 / GCC 12).
type mapextra struct {
	overflow     *[]unsafe.Pointer // *[]*bmap
	oldoverflow  *[]unsafe.Pointer // *[]*bmap
	nextOverflow unsafe.Pointer    // *bmap
}

// hiter mirrors runtime.hiter (libgo/go/runtime/map.go, Go 1.18 / GCC 12).
type hiter struct {
	key         unsafe.Pointer
	elem        unsafe.Pointer
	t           *maptype
	h           *hmap
	buckets     unsafe.Pointer
	bptr        unsafe.Pointer // *bmap
	overflow    *[]unsafe.Pointer
	oldoverflow *[]unsafe.Pointer
	startBucket uintptr
	offset      uint8
	wrapped     bool
	B           uint8
	i           uint8
	bucket      uintptr
	checkBucket uintptr
}

// gotype mirrors runtime._type (libgo/go/runtime/type.go, GCC 12).
type gotype struct {
	size       uintptr
	ptrdata    uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      func(unsafe.Pointer, unsafe.Pointer) bool
	gcdata     *byte
	_string    *string
	uncommon   unsafe.Pointer // *uncommontype, embedded
	ptrToThis  *gotype
}

// maptype mirrors runtime.maptype (libgo/go/runtime/type.go, GCC 12).
type maptype struct {
	typ        gotype
	key        *gotype
	elem       *gotype
	bucket     *gotype
	hasher     func(unsafe.Pointer, uintptr) uintptr
	keysize    uint8
	elemsize   uint8
	bucketsize uint16
	flags      uint32
}

// reflectValue mirrors reflect.Value (libgo/go/reflect/value.go, GCC 12).
type reflectValue struct {
	typ  *gotype
	ptr  unsafe.Pointer
	flag uintptr
}

// reflectMapIter mirrors reflect.MapIter (libgo/go/reflect/value.go, GCC 12);
// reflect's own copy of hiter has the runtime's layout.
type reflectMapIter struct {
	m     reflectValue
	hiter hiter
}

// eface is the layout of an empty interface in gccgo.
type eface struct {
	typ  *gotype
	data unsafe.Pointer
}

// Constants of libgo/go/runtime/map.go and typekind.go (Go 1.18 / GCC 12).
const (
	bucketCnt        = 8
	maxKeySize       = 128
	maxElemSize      = 128
	dataOffset       = 8 // tophash array, then keys
	flagSameSizeGrow = 8 // hmap.flags: sameSizeGrow
	flagHashWriting  = 4 // hmap.flags: hashWriting
	kindMask         = 31
	kindMap          = 21
	mtIndirectKey    = 1 // maptype.flags
	mtIndirectElem   = 2
	noCheck          = ^uintptr(0)
)

// Sizes of the runtime structures a map holds, for Stats.
const (
	headerBytes = unsafe.Sizeof(hmap{})
	extraBytes  = unsafe.Sizeof(mapextra{})
	tableBytes  = 0 // Swiss only
	ptrBytes    = unsafe.Sizeof(uintptr(0))
)
