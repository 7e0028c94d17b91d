package cmap

import (
	"fmt"
	"iter"
	"maps"
	"runtime"
	"slices"
)

// testMap is the API every map of the package shares.
type testMap interface {
	Load(int) (int, bool)
	Store(int, int)
	LoadOrStore(int, int) (int, bool)
	LoadAndDelete(int) (int, bool)
	Delete(int)
	Swap(int, int) (int, bool)
	CompareAndSwap(int, int, int) bool
	CompareAndDelete(int, int) bool
	Compute(int, func(int, bool) (int, ComputeOp)) (int, bool)
	Len() int
	Clear()
	Range(func(int, int) bool)
	All() iter.Seq2[int, int]
}

// impls are the maps under test, each new and each zero value.
var impls = []struct {
	name string
	make func() testMap
}{
	{"Locked", func() testMap { return NewLocked[int, int]() }},
	{"Sharded", func() testMap { return NewSharded[int, int](WithShards(4)) }},
	{"Snapshot", func() testMap { return NewSnapshot[int, int]() }},
	{"yieldingSnapshot", func() testMap { m := NewSnapshot[int, int](); m.yieldInWrites(); return m }},
	{"zeroLocked", func() testMap { return new(Locked[int, int]) }},
	{"zeroSharded", func() testMap { return new(Sharded[int, int]) }},
	{"zeroSnapshot", func() testMap { return new(Snapshot[int, int]) }},
}

// opKind enumerates the operations the tests generate.
type opKind uint8

const (
	opLoad opKind = iota
	opStore
	opLoadOrStore
	opLoadAndDelete
	opDelete
	opSwap
	opCAS
	opCAD
	opComputeAdd    // add a to the value, inserting a if absent
	opComputeDelete // delete if the value is a, else cancel
	opLen
	opClear
	opRange    // the whole map through Range
	opAll      // the whole map through All, stopping early after a entries
	opSnapshot // the whole map through a View (Snapshot maps; All elsewhere)
	numOps
)

var opNames = [numOps]string{"Load", "Store", "LoadOrStore", "LoadAndDelete", "Delete", "Swap",
	"CompareAndSwap", "CompareAndDelete", "Compute+", "Compute-", "Len", "Clear", "Range", "All", "Snapshot"}

type op struct {
	kind opKind
	key  int
	a, b int
}

func (o op) String() string { return fmt.Sprintf("%s(%d, %d, %d)", opNames[o.kind], o.key, o.a, o.b) }

// result is what an operation returned; whole is the map for the whole-map
// operations (sorted by key).
type result struct {
	v     int
	ok    bool
	whole []kv
}

type kv struct{ k, v int }

func (r result) String() string {
	if r.whole != nil {
		return fmt.Sprint(r.whole)
	}
	return fmt.Sprintf("(%d, %v)", r.v, r.ok)
}

func (r result) equal(s result) bool {
	return r.v == s.v && r.ok == s.ok && slices.Equal(r.whole, s.whole)
}

func computeAdd(a int) func(int, bool) (int, ComputeOp) {
	return func(old int, loaded bool) (int, ComputeOp) {
		if !loaded {
			return a, UpdateOp
		}
		return old + a, UpdateOp
	}
}

func computeDelete(a int) func(int, bool) (int, ComputeOp) {
	return func(old int, loaded bool) (int, ComputeOp) {
		if loaded && old == a {
			return 0, DeleteOp
		}
		return old, CancelOp
	}
}

// apply runs o on m. yield, when set, runs between the entries a
// whole-map operation visits, to widen its window.
func apply(m testMap, o op, yield bool) result {
	switch o.kind {
	case opLoad:
		v, ok := m.Load(o.key)
		return result{v: v, ok: ok}
	case opStore:
		m.Store(o.key, o.a)
		return result{}
	case opLoadOrStore:
		v, ok := m.LoadOrStore(o.key, o.a)
		return result{v: v, ok: ok}
	case opLoadAndDelete:
		v, ok := m.LoadAndDelete(o.key)
		return result{v: v, ok: ok}
	case opDelete:
		m.Delete(o.key)
		return result{}
	case opSwap:
		v, ok := m.Swap(o.key, o.a)
		return result{v: v, ok: ok}
	case opCAS:
		return result{ok: m.CompareAndSwap(o.key, o.a, o.b)}
	case opCAD:
		return result{ok: m.CompareAndDelete(o.key, o.a)}
	case opComputeAdd:
		v, ok := m.Compute(o.key, computeAdd(o.a))
		return result{v: v, ok: ok}
	case opComputeDelete:
		v, ok := m.Compute(o.key, computeDelete(o.a))
		return result{v: v, ok: ok}
	case opLen:
		return result{v: m.Len()}
	case opClear:
		m.Clear()
		return result{}
	case opRange:
		return result{whole: collect(m.Range, -1, yield)}
	case opAll:
		return result{whole: collect(m.All(), -1, yield)}
	case opSnapshot:
		if s, ok := m.(interface{ Snapshot() *View[int, int] }); ok {
			v := s.Snapshot()
			w := collect(v.Range, -1, yield)
			// A view must agree with itself; one that does not returns a
			// result no model state explains.
			if v.Len() != len(w) {
				return result{v: -1, ok: true, whole: w}
			}
			for _, e := range w {
				if x, ok := v.Load(e.k); !ok || x != e.v {
					return result{v: -1, ok: true, whole: w}
				}
			}
			return result{whole: w}
		}
		return result{whole: collect(m.All(), -1, yield)}
	}
	panic("unknown op")
}

// collect gathers the entries seq yields, sorted by key; it panics on a
// key seen twice.
func collect(seq iter.Seq2[int, int], stop int, yield bool) []kv {
	w := []kv{}
	seq(func(k, v int) bool {
		if yield {
			runtime.Gosched()
		}
		w = append(w, kv{k, v})
		return len(w) != stop
	})
	slices.SortFunc(w, func(a, b kv) int { return a.k - b.k })
	for i := 1; i < len(w); i++ {
		if w[i].k == w[i-1].k {
			panic(fmt.Sprintf("key %d seen twice in one iteration", w[i].k))
		}
	}
	return w
}

// applyRef runs o on a plain map, the specification.
func applyRef(ref map[int]int, o op) result {
	v, ok := ref[o.key]
	switch o.kind {
	case opLoad:
		return result{v: v, ok: ok}
	case opStore:
		ref[o.key] = o.a
		return result{}
	case opLoadOrStore:
		if ok {
			return result{v: v, ok: true}
		}
		ref[o.key] = o.a
		return result{v: o.a}
	case opLoadAndDelete:
		delete(ref, o.key)
		return result{v: v, ok: ok}
	case opDelete:
		delete(ref, o.key)
		return result{}
	case opSwap:
		ref[o.key] = o.a
		return result{v: v, ok: ok}
	case opCAS:
		if ok && v == o.a {
			ref[o.key] = o.b
			return result{ok: true}
		}
		return result{}
	case opCAD:
		if ok && v == o.a {
			delete(ref, o.key)
			return result{ok: true}
		}
		return result{}
	case opComputeAdd:
		nv, _ := computeAdd(o.a)(v, ok)
		ref[o.key] = nv
		return result{v: nv, ok: true}
	case opComputeDelete:
		if ok && v == o.a {
			delete(ref, o.key)
			return result{}
		}
		return result{v: v, ok: ok}
	case opLen:
		return result{v: len(ref)}
	case opClear:
		clear(ref)
		return result{}
	case opRange, opAll, opSnapshot:
		w := []kv{}
		for _, k := range slices.Sorted(maps.Keys(ref)) {
			w = append(w, kv{k, ref[k]})
		}
		return result{whole: w}
	}
	panic("unknown op")
}
