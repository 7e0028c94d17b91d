//go:build gccgo

package inspect

import (
	"fmt"
	"reflect"
	"unsafe"
)

func readIter(it *reflect.MapIter) (*IterState, error) {
	if unsafe.Sizeof(*it) != unsafe.Sizeof(reflectMapIter{}) {
		return nil, fmt.Errorf("reflect.MapIter is %d bytes, the mirror %d", unsafe.Sizeof(*it), unsafe.Sizeof(reflectMapIter{}))
	}
	r := (*reflectMapIter)(unsafe.Pointer(it))
	st := &IterState{Impl: ImplClassic, Classic: &ClassicIter{}}
	hi := &r.hiter
	if r.m.typ == nil {
		return nil, fmt.Errorf("the iterator has no map (a zero MapIter, or Reset with the zero Value)")
	}
	if hi.t == nil {
		return st, nil // Next not called yet
	}
	st.Started = true
	if unsafe.Pointer(hi.t) != unsafe.Pointer(r.m.typ) || hi.t.typ.kind&kindMask != kindMap {
		return nil, fmt.Errorf("the runtime iterator's map type does not match the reflect.Value's")
	}
	st.Done = hi.key == nil
	c := st.Classic
	c.Bucket = hi.bucket
	c.I = hi.i
	c.StartBucket = hi.startBucket
	c.Offset = hi.offset
	c.Wrapped = hi.wrapped
	c.B = hi.B
	c.CheckBucket = hi.checkBucket
	c.NoCheck = hi.checkBucket == noCheck
	h := hi.h
	if h == nil {
		// The map was nil or empty when iteration began.
		return st, nil
	}
	if h.flags&flagHashWriting != 0 {
		return nil, fmt.Errorf("the map is being written (hashWriting is set)")
	}
	c.MapB = h.B
	c.BucketsCurrent = hi.buckets == h.buckets
	c.BucketsOld = h.oldbuckets != nil && hi.buckets == h.oldbuckets
	if hi.bptr != nil {
		size := uintptr(hi.t.bucketsize)
		in := func(base unsafe.Pointer, n uintptr) bool {
			p := uintptr(hi.bptr)
			return base != nil && p >= uintptr(base) && p < uintptr(base)+n*size
		}
		oldN := uintptr(1) << h.B
		if !h.sameSizeGrow() {
			oldN /= 2
		}
		c.InOverflow = !in(hi.buckets, uintptr(1)<<hi.B) && !in(h.buckets, uintptr(1)<<h.B) && !in(h.oldbuckets, oldN)
	}
	return st, nil
}

func (h *hmap) sameSizeGrow() bool { return h.flags&flagSameSizeGrow != 0 }

func locate(m interface{}, rt reflect.Type, kv reflect.Value) (*Location, error) {
	mt, h := fromEface(m)
	if err := checkMapType(rt, mt); err != nil {
		return nil, err
	}
	cl := &ClassicLocation{OldBucket: -1}
	loc := &Location{Impl: ImplClassic, Classic: cl}
	var seed uintptr
	if h != nil {
		seed = uintptr(h.hash0)
	}
	hash := mt.hasher(unsafe.Pointer(kv.Pointer()), seed)
	loc.Hash = uint64(hash)
	top := Top(hash >> (8*unsafe.Sizeof(uintptr(0)) - 8))
	if top < TopMin {
		top += TopMin
	}
	cl.TopHash = top
	if h == nil || h.B > maxB {
		return loc, nil
	}
	cl.Bucket = int(hash & (uintptr(1)<<h.B - 1))
	if h.oldbuckets != nil {
		oldB := h.B
		if !h.sameSizeGrow() {
			oldB--
		}
		cl.OldBucket = int(hash & (uintptr(1)<<oldB - 1))
	}
	return loc, nil
}
