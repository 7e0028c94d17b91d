package cmap

import (
	"flag"
	"fmt"
	"iter"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/puzpuzpuz/xsync/v4"
)

// The linearizability tests record concurrent histories of each map and
// ask porcupine whether some sequential order of the operations, consistent
// with real time, explains every result. Two models:
//
//   - per key: the history is split by key and each key must behave like a
//     register that Load, Store, LoadOrStore, LoadAndDelete, Delete, Swap,
//     CompareAndSwap, CompareAndDelete and Compute act on atomically; a
//     whole-map operation is split into one observation of each key.
//   - whole map: one state for the map, and Range, All, a View and Clear are
//     single operations on it: what they return must be the map at one
//     instant between their call and their return.
//
// Keys and values are few so that operations collide. -cmap.histories sets
// how many histories each test records (scripts/bench-cmap.sh runs more).

var histories = flag.Int("cmap.histories", 50, "histories per linearizability test")

const modelKeys = 4

// keyState is one key of the model: its value and whether it is present.
type keyState struct {
	v  int
	ok bool
}

type mapState [modelKeys]keyState

func (s mapState) toMap() map[int]int {
	m := map[int]int{}
	for k, e := range s {
		if e.ok {
			m[k] = e.v
		}
	}
	return m
}

func fromMap(m map[int]int) mapState {
	var s mapState
	for k, v := range m {
		s[k] = keyState{v, true}
	}
	return s
}

// step is the models' Step: the operation is legal in state s if the plain
// map gives the same result.
func step(s mapState, in, out any) (bool, any) {
	ref := s.toMap()
	want := applyRef(ref, in.(op))
	return want.equal(out.(result)), fromMap(ref)
}

var wholeMapModel = porcupine.Model{
	Init:              func() any { return mapState{} },
	Step:              func(s, in, out any) (bool, any) { return step(s.(mapState), in, out) },
	DescribeOperation: func(in, out any) string { return fmt.Sprintf("%v -> %v", in, out) },
}

var perKeyModel = porcupine.Model{
	Partition:         partitionByKey,
	Init:              func() any { return mapState{} },
	Step:              func(s, in, out any) (bool, any) { return step(s.(mapState), in, out) },
	DescribeOperation: func(in, out any) string { return fmt.Sprintf("%v -> %v", in, out) },
}

// partitionByKey splits a history into one per key; a whole-map operation
// becomes a Load of each key (Clear a Delete of each) in each of them.
func partitionByKey(h []porcupine.Operation) [][]porcupine.Operation {
	parts := make([][]porcupine.Operation, modelKeys)
	for _, e := range h {
		o, r := e.Input.(op), e.Output.(result)
		switch o.kind {
		case opRange, opAll, opSnapshot:
			seen := map[int]int{}
			for _, x := range r.whole {
				seen[x.k] = x.v
			}
			for k := range parts {
				v, ok := seen[k]
				e2 := e
				e2.Input, e2.Output = op{kind: opLoad, key: k}, result{v: v, ok: ok}
				parts[k] = append(parts[k], e2)
			}
		case opClear:
			for k := range parts {
				e2 := e
				e2.Input = op{kind: opDelete, key: k}
				parts[k] = append(parts[k], e2)
			}
		default:
			parts[o.key] = append(parts[o.key], e)
		}
	}
	return parts
}

// mix is the operations a history draws from, with repeats for weight.
var (
	keyOps   = []opKind{opLoad, opLoad, opStore, opStore, opLoadOrStore, opLoadAndDelete, opDelete, opSwap, opCAS, opCAS, opCAD, opComputeAdd, opComputeDelete}
	wholeOps = append(append([]opKind{}, keyOps...), opRange, opAll, opSnapshot, opRange, opAll, opSnapshot, opClear)
	rangeOps = []opKind{opStore, opStore, opStore, opDelete, opLoad, opRange, opRange, opSnapshot}
)

// record runs clients goroutines doing perClient random operations from
// kinds on m, and returns the history with logical timestamps.
func record(m testMap, seed uint64, clients, perClient int, kinds []opKind) []porcupine.Operation {
	var clock atomic.Int64
	h := make([][]porcupine.Operation, clients)
	var start, wg sync.WaitGroup
	start.Add(1)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(c)))
			start.Wait()
			for range perClient {
				o := op{kind: kinds[r.IntN(len(kinds))], key: r.IntN(modelKeys), a: r.IntN(4), b: r.IntN(4)}
				call := clock.Add(1)
				res := apply(m, o, true)
				h[c] = append(h[c], porcupine.Operation{ClientId: c, Input: o, Call: call, Output: res, Return: clock.Add(1)})
			}
		}()
	}
	start.Done()
	wg.Wait()
	var all []porcupine.Operation
	for _, ops := range h {
		all = append(all, ops...)
	}
	return all
}

// check records n histories of maps from mk and returns how many the model
// rejects; a history it cannot decide in time fails the test.
func check(t *testing.T, mk func() testMap, model porcupine.Model, kinds []opKind, n int) (illegal int) {
	t.Helper()
	for i := range n {
		h := record(mk(), uint64(i), 4, 40, kinds)
		switch porcupine.CheckOperationsTimeout(model, h, 20*time.Second) {
		case porcupine.Illegal:
			illegal++
		case porcupine.Unknown:
			t.Fatalf("porcupine did not decide history %d in 20s", i)
		}
	}
	return illegal
}

func TestLinearizablePerKey(t *testing.T) {
	for _, impl := range impls {
		t.Run(impl.name, func(t *testing.T) {
			if bad := check(t, impl.make, perKeyModel, wholeOps, *histories); bad > 0 {
				t.Errorf("%d of %d histories are not linearizable per key", bad, *histories)
			}
		})
	}
}

func TestLinearizableWholeMap(t *testing.T) {
	for _, impl := range impls {
		t.Run(impl.name, func(t *testing.T) {
			if bad := check(t, impl.make, wholeMapModel, wholeOps, *histories); bad > 0 {
				t.Errorf("%d of %d histories are not linearizable as a whole map", bad, *histories)
			}
		})
	}
}

// TestCheckerHasTeeth: the whole-map model rejects maps whose iteration is
// not a snapshot (sync.Map, xsync.Map) and a Snapshot map without its
// generation check; each must fail at least once in 40 histories.
func TestCheckerHasTeeth(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func() testMap
	}{
		{"sync.Map", func() testMap { return new(syncMap) }},
		{"xsync.Map", func() testMap { return xsyncMap{xsync.NewMap[int, int]()} }},
		{"Snapshot without GCAS", func() testMap { m := NewSnapshot[int, int](); m.breakGCAS(); return m }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 40
			bad := check(t, tc.make, wholeMapModel, rangeOps, n)
			t.Logf("%s: %d of %d histories rejected", tc.name, bad, n)
			if bad == 0 {
				t.Errorf("all %d histories of %s passed the whole-map model", n, tc.name)
			}
		})
	}
}

// syncMap and xsyncMap give sync.Map and xsync.Map the test API, for the
// operations rangeOps uses.
type syncMap struct{ sync.Map }

func (m *syncMap) Load(k int) (int, bool) {
	v, ok := m.Map.Load(k)
	if !ok {
		return 0, false
	}
	return v.(int), true
}
func (m *syncMap) Store(k, v int) { m.Map.Store(k, v) }
func (m *syncMap) Delete(k int)   { m.Map.Delete(k) }
func (m *syncMap) Range(f func(int, int) bool) {
	m.Map.Range(func(k, v any) bool { return f(k.(int), v.(int)) })
}
func (m *syncMap) All() iter.Seq2[int, int] { return m.Range }
func (m *syncMap) Len() int                 { panic("unused") }
func (m *syncMap) LoadOrStore(int, int) (int, bool) {
	panic("unused")
}
func (m *syncMap) LoadAndDelete(int) (int, bool)     { panic("unused") }
func (m *syncMap) Swap(int, int) (int, bool)         { panic("unused") }
func (m *syncMap) CompareAndSwap(int, int, int) bool { panic("unused") }
func (m *syncMap) CompareAndDelete(int, int) bool    { panic("unused") }
func (m *syncMap) Clear()                            { m.Map.Clear() }
func (m *syncMap) Compute(int, func(int, bool) (int, ComputeOp)) (int, bool) {
	panic("unused")
}

type xsyncMap struct{ *xsync.Map[int, int] }

func (m xsyncMap) Len() int                          { return m.Size() }
func (m xsyncMap) Swap(k, v int) (int, bool)         { return m.LoadAndStore(k, v) }
func (m xsyncMap) CompareAndSwap(int, int, int) bool { panic("unused") }
func (m xsyncMap) CompareAndDelete(int, int) bool    { panic("unused") }
func (m xsyncMap) Compute(int, func(int, bool) (int, ComputeOp)) (int, bool) {
	panic("unused")
}
