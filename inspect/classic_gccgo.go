//go:build gccgo

package inspect

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"math/bits"
	"os"
	"reflect"
	"runtime"
	"sync"
	"unsafe"
)

// implName is the implementation this build reads.
const implName = ImplClassic

// mirroredLibgo is the shared libgo whose layout mirror_gccgo.go mirrors.
const mirroredLibgo = "libgo.so.21"

var runtimeOnce struct {
	sync.Once
	name string
	err  error
}

// checkRuntime refuses a libgo this package has not mirrored. gccgo's
// runtime.Version reports "unknown" and its release tags are the go
// command's, not libgo's, so the runtime is identified by what is loaded:
// the libgo shared object mapped into the process (GCC 12 ships
// libgo.so.21), or, for a program linked with -static-libgo, the GCC
// version recorded in the executable's .comment section.
func checkRuntime() (string, error) {
	runtimeOnce.Do(func() {
		runtimeOnce.name, runtimeOnce.err = findLibgo()
	})
	return runtimeOnce.name, runtimeOnce.err
}

func findLibgo() (string, error) {
	if runtime.GOARCH != "amd64" || runtime.GOOS != "linux" {
		return "", fmt.Errorf("%s/%s: libgo map layout checked on linux/amd64 only", runtime.GOOS, runtime.GOARCH)
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return "", fmt.Errorf("cannot tell which libgo is loaded: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		name, isLibgo, err := checkLibgoMapping(sc.Text(), mirroredLibgo)
		if err != nil {
			return "", err
		}
		if isLibgo {
			return name + " (gccgo 12, Go 1.18 runtime map)", nil
		}
	}
	// No shared libgo: libgo is linked in, from the gccgo that built us.
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot tell which libgo is linked in: %v", err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		return "", fmt.Errorf("cannot tell which libgo is linked in: %v", err)
	}
	defer f.Close()
	sec := f.Section(".comment")
	if sec == nil {
		return "", fmt.Errorf("cannot tell which libgo is linked in: %s has no .comment section", exe)
	}
	data, err := sec.Data()
	if err != nil {
		return "", fmt.Errorf("cannot tell which libgo is linked in: %v", err)
	}
	gcc, err := checkGCCComment(data)
	if err != nil {
		return "", err
	}
	return "static libgo (" + gcc + ", Go 1.18 runtime map)", nil
}

func fromEface(m interface{}) (*maptype, *hmap) {
	e := (*eface)(unsafe.Pointer(&m))
	return (*maptype)(unsafe.Pointer(e.typ)), (*hmap)(e.data)
}

func rtypeOf(t reflect.Type) *gotype {
	e := (*eface)(unsafe.Pointer(&t))
	return (*gotype)(e.data)
}

// slotSizes returns the sizes the map stores per key and element: the
// type's size, or a pointer's for types over 128 bytes.
func slotSizes(rt reflect.Type) (k, e uintptr, ik, ie bool) {
	k, e = rt.Key().Size(), rt.Elem().Size()
	ptr := unsafe.Sizeof(uintptr(0))
	if k > maxKeySize {
		k, ik = ptr, true
	}
	if e > maxElemSize {
		e, ie = ptr, true
	}
	return k, e, ik, ie
}

// checkMapType verifies the type descriptor against reflect: the same key
// and element descriptors, slot sizes and the bucket size of the Go 1.18
// bucket (8 tophash bytes, 8 keys, 8 elements, an overflow pointer).
func checkMapType(rt reflect.Type, mt *maptype) error {
	if mt.typ.kind&kindMask != kindMap {
		return fmt.Errorf("%s: type descriptor kind %d is not a map", rt, mt.typ.kind&kindMask)
	}
	if mt.key != rtypeOf(rt.Key()) || mt.elem != rtypeOf(rt.Elem()) {
		return fmt.Errorf("%s: type descriptor's key and element types do not match reflect's", rt)
	}
	k, e, ik, ie := slotSizes(rt)
	want := bucketCnt*(1+k+e) + unsafe.Sizeof(uintptr(0))
	if uintptr(mt.keysize) != k || uintptr(mt.elemsize) != e || uintptr(mt.bucketsize) != want || mt.bucket == nil || mt.bucket.size != want {
		return fmt.Errorf("%s: runtime key/elem/bucket sizes %d/%d/%d; reflect computes %d/%d/%d", rt, mt.keysize, mt.elemsize, mt.bucketsize, k, e, want)
	}
	if (mt.flags&mtIndirectKey != 0) != ik || (mt.flags&mtIndirectElem != 0) != ie {
		return fmt.Errorf("%s: runtime indirect flags %#x do not match sizes %d, %d", rt, mt.flags&3, rt.Key().Size(), rt.Elem().Size())
	}
	return nil
}

// maxB bounds hmap.B: 2^40 buckets is more memory than any machine has.
const maxB = 40

func readLayout(m interface{}, rt reflect.Type, l *Layout, opt Options) error {
	mt, h := fromEface(m)
	if err := checkMapType(rt, mt); err != nil {
		return err
	}
	_, _, l.IndirectKey, l.IndirectElem = slotSizes(rt)
	c := &ClassicLayout{BucketSize: uintptr(mt.bucketsize)}
	l.Classic = c
	if h == nil {
		l.Nil = true
		return nil
	}
	if h.flags&flagHashWriting != 0 {
		return fmt.Errorf("%s: the map is being written (hashWriting is set); inspect it only when no goroutine writes it", rt)
	}
	c.Count = h.count
	c.Flags = h.flags
	c.B = h.B
	c.NOverflow = h.noverflow
	c.Hash0Set = h.hash0 != 0
	c.Growing = h.oldbuckets != nil
	c.SameSize = h.flags&flagSameSizeGrow != 0
	c.NEvacuate = h.nevacuate
	c.Extra = h.extra != nil
	if h.count != l.Len {
		return fmt.Errorf("%s: hmap.count is %d but len is %d", rt, h.count, l.Len)
	}
	if h.B > maxB {
		return fmt.Errorf("%s: hmap.B is %d", rt, h.B)
	}
	if h.buckets == nil {
		if h.count != 0 || h.B != 0 || h.oldbuckets != nil {
			return fmt.Errorf("%s: no bucket array but count %d, B %d", rt, h.count, h.B)
		}
		return nil
	}
	var err error
	c.Buckets, err = readBuckets(mt, h.buckets, uintptr(1)<<h.B, h.count, opt)
	if err != nil {
		return fmt.Errorf("%s: buckets: %v", rt, err)
	}
	live := 0
	for _, b := range c.Buckets {
		live += b.Entries
	}
	if c.Growing {
		oldB := h.B - 1
		if c.SameSize {
			oldB = h.B
		}
		nold := uintptr(1) << oldB
		if h.B == 0 || h.nevacuate >= nold {
			return fmt.Errorf("%s: growing from %d buckets with nevacuate %d", rt, nold, h.nevacuate)
		}
		c.OldBuckets, err = readBuckets(mt, h.oldbuckets, nold, h.count, opt)
		if err != nil {
			return fmt.Errorf("%s: old buckets: %v", rt, err)
		}
		for i, b := range c.OldBuckets {
			if uintptr(i) < h.nevacuate && !b.Evacuated {
				return fmt.Errorf("%s: old bucket %d is below nevacuate %d but not evacuated", rt, i, h.nevacuate)
			}
			if !b.Evacuated {
				live += b.Entries
			}
		}
	} else if h.nevacuate != 0 && h.nevacuate != uintptr(1)<<h.B && h.nevacuate != uintptr(1)<<h.B/2 {
		// After a grow finishes nevacuate equals the old bucket count
		// (a doubling: half the new count); it is 0 before any grow.
		return fmt.Errorf("%s: not growing but nevacuate is %d with B %d", rt, h.nevacuate, h.B)
	}
	if live != h.count {
		return fmt.Errorf("%s: buckets hold %d entries, hmap.count is %d", rt, live, h.count)
	}
	if h.extra != nil && h.extra.nextOverflow != nil {
		n, err := countFreeOverflow(mt, h.extra.nextOverflow, uintptr(1)<<h.B)
		if err != nil {
			return fmt.Errorf("%s: preallocated overflow buckets: %v", rt, err)
		}
		c.FreeOverflow = n
	}
	return nil
}

func overflowOf(mt *maptype, b unsafe.Pointer) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Add(b, uintptr(mt.bucketsize)-unsafe.Sizeof(uintptr(0))))
}

// readBuckets copies the tophash arrays of n buckets and their chains.
func readBuckets(mt *maptype, base unsafe.Pointer, n uintptr, count int, opt Options) ([]Bucket, error) {
	if base == nil {
		return nil, fmt.Errorf("nil bucket array of %d buckets", n)
	}
	// Overflow buckets are made only when a chain is full, and a
	// same-size grow starts once there are about as many overflow
	// buckets as buckets, so a walk longer than this is a cycle or a
	// misread.
	limit := 4*int(n) + count + 64
	walked := 0
	out := make([]Bucket, n)
	var backing []TopHash
	if !opt.NoGroups {
		backing = make([]TopHash, 0, n+n/8)
	}
	for i := uintptr(0); i < n; i++ {
		b := unsafe.Add(base, i*uintptr(mt.bucketsize))
		start := len(backing)
		nodes := 0
		for p := b; p != nil; p = overflowOf(mt, p) {
			walked++
			nodes++
			if walked > limit {
				return nil, fmt.Errorf("overflow chains longer than %d buckets (a cycle?)", limit)
			}
			out[i].Entries += fullCells(*(*uint64)(p))
			if backing != nil {
				backing = append(backing, *(*TopHash)(p))
			}
		}
		out[i].Overflow = nodes - 1
		if backing != nil {
			out[i].Chain = backing[start:len(backing):len(backing)]
		}
		if th := *(*TopHash)(b); th[0].IsEvacuated() {
			out[i].Evacuated = true
		}
	}
	return out, nil
}

const (
	bytesMSB = 0x8080808080808080
	bytesLSB = 0x0101010101010101
)

// fullCells counts the bytes of a tophash word that are >= minTopHash (5):
// bytes with the high bit set, and 7-bit bytes that stay >= 5 (the
// subtraction cannot borrow across bytes because each byte's high bit is
// set first).
func fullCells(w uint64) int {
	hi := w & bytesMSB
	lo := (((w &^ bytesMSB) | bytesMSB) - 5*bytesLSB) & bytesMSB
	return bits.OnesCount64(hi | lo)
}

// countFreeOverflow walks the preallocated overflow buckets from
// nextOverflow: each has a nil overflow pointer except the last, whose
// pointer is a non-nil sentinel.
func countFreeOverflow(mt *maptype, next unsafe.Pointer, n uintptr) (int, error) {
	for i := 1; uintptr(i) <= n; i++ {
		if overflowOf(mt, next) != nil {
			return i, nil
		}
		next = unsafe.Add(next, uintptr(mt.bucketsize))
	}
	return 0, fmt.Errorf("more than %d free buckets", n)
}
