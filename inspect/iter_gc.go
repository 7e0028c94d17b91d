//go:build gc

package inspect

import (
	"fmt"
	"reflect"
	"slices"
	"unsafe"
)

func readIter(it *reflect.MapIter) (*IterState, error) {
	if unsafe.Sizeof(*it) != unsafe.Sizeof(reflectMapIter{}) {
		return nil, fmt.Errorf("reflect.MapIter is %d bytes, the mirror %d", unsafe.Sizeof(*it), unsafe.Sizeof(reflectMapIter{}))
	}
	r := (*reflectMapIter)(unsafe.Pointer(it))
	st := &IterState{Impl: ImplSwiss, Swiss: &SwissIter{}}
	hi := &r.hiter
	if r.m.typ_ == nil {
		return nil, fmt.Errorf("the iterator has no map (a zero MapIter, or Reset with the zero Value)")
	}
	if hi.typ == nil {
		return st, nil // Next not called yet
	}
	st.Started = true
	if unsafe.Pointer(hi.typ) != unsafe.Pointer(r.m.typ_) || hi.typ.Type.Kind_&kindMask != kindMap {
		return nil, fmt.Errorf("the runtime iterator's map type does not match the reflect.Value's")
	}
	st.Done = hi.key == nil
	s := st.Swiss
	s.DirIdx = hi.dirIdx
	s.DirOffset = hi.dirOffset
	s.EntryIdx = hi.entryIdx
	s.EntryOffset = hi.entryOffset
	s.GlobalDepth = hi.globalDepth
	s.ClearSeq = hi.clearSeq
	m := hi.m
	if m == nil {
		// The map was nil or empty when iteration began: Next returns
		// false at once and the iterator holds nothing.
		s.Small = true
		return st, nil
	}
	if m.writing != 0 {
		return nil, fmt.Errorf("the map is being written (Map.writing is set)")
	}
	s.MapGlobalDepth = m.globalDepth
	s.MapClearSeq = m.clearSeq
	if hi.dirIdx < 0 {
		s.Small = true
		s.GroupStale = m.dirLen > 0 || hi.group.data != m.dirPtr
		return st, nil
	}
	if hi.tab != nil {
		t := hi.tab
		s.HasTable = true
		s.TableIndex = t.index
		s.TableCapacity = int(t.capacity)
		s.TableLocalDepth = t.localDepth
		if m.dirLen > 0 && m.dirLen == 1<<m.globalDepth && m.globalDepth <= maxGlobalDepth {
			s.TableInDirectory = slices.Contains(unsafe.Slice((**swissTable)(m.dirPtr), m.dirLen), t)
		}
	}
	return st, nil
}

func locate(m any, rt reflect.Type, kv reflect.Value) (*Location, error) {
	mt, h := fromEface(m)
	if err := checkMapType(rt, mt); err != nil {
		return nil, err
	}
	sl := &SwissLocation{Small: true, DirIndex: -1, Table: -1}
	loc := &Location{Impl: ImplSwiss, Swiss: sl}
	var seed uintptr
	if h != nil {
		seed = h.seed
	}
	hash := mt.Hasher(kv.UnsafePointer(), seed)
	loc.Hash = uint64(hash)
	sl.H2 = uint8(hash & 0x7f)
	if h == nil || h.dirLen == 0 {
		return loc, nil
	}
	if h.dirLen != 1<<h.globalDepth || h.globalDepth > maxGlobalDepth {
		return nil, fmt.Errorf("%s: directory length %d does not match global depth %d", rt, h.dirLen, h.globalDepth)
	}
	sl.Small, sl.DirIndex = false, 0
	if h.globalDepth > 0 {
		sl.DirIndex = int(hash >> h.globalShift)
	}
	dir := unsafe.Slice((**swissTable)(h.dirPtr), h.dirLen)
	// Tables are numbered in directory order, one per distinct table.
	n := -1
	for i := 0; i <= sl.DirIndex; {
		if dir[i] == nil || dir[i].localDepth > h.globalDepth {
			return nil, fmt.Errorf("%s: directory entry %d is not a valid table", rt, i)
		}
		n++
		i += 1 << (h.globalDepth - dir[i].localDepth)
	}
	sl.Table = n
	sl.Group = int(uint64(hash>>7) & dir[sl.DirIndex].groups.lengthMask)
	return loc, nil
}
