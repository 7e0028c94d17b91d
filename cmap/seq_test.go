package cmap

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// decodeOps turns fuzz input into operations: 4 bytes each (kind, key, a,
// b), keys and values kept small so that operations meet.
func decodeOps(data []byte) []op {
	var ops []op
	for ; len(data) >= 4; data = data[4:] {
		ops = append(ops, op{
			kind: opKind(data[0] % byte(numOps)),
			key:  int(data[1] % 16),
			a:    int(data[2] % 8),
			b:    int(data[3] % 8),
		})
	}
	return ops
}

// checkSequential applies ops to a fresh map of every kind and to a plain
// map, and fails on the first result that differs.
func checkSequential(t *testing.T, ops []op) {
	t.Helper()
	for _, impl := range impls {
		m, ref := impl.make(), map[int]int{}
		for i, o := range ops {
			if o.kind == opAll && o.a > 0 {
				// an early stop: the entries seen are a subset of the map
				got := collect(m.All(), o.a, false)
				for _, e := range got {
					if v, ok := ref[e.k]; !ok || v != e.v {
						t.Fatalf("%s: op %d %v: All yielded %d=%d, not in %v", impl.name, i, o, e.k, e.v, ref)
					}
				}
				continue
			}
			got, want := apply(m, o, false), applyRef(ref, o)
			if !got.equal(want) {
				t.Fatalf("%s: op %d %v = %v, want %v (ops from %d: %v)", impl.name, i, o, got, want, max(i-20, 0), ops[max(i-20, 0):i+1])
			}
		}
		if got, want := apply(m, op{kind: opRange}, false), applyRef(ref, op{kind: opRange}); !got.equal(want) {
			t.Fatalf("%s: after %v: map %v, want %v", impl.name, ops, got, want)
		}
	}
}

func FuzzSequential(f *testing.F) {
	// Seeds: every operation on a small map, then growth past a leaf and a
	// Clear in the middle.
	var all []byte
	for k := range numOps {
		all = append(all, byte(opStore), byte(k), byte(k), 0, byte(k), byte(k%4), byte(k%3), byte(k%5))
	}
	f.Add(all)
	var grow []byte
	for k := range 16 {
		grow = append(grow, byte(opStore), byte(k), byte(k), 0)
	}
	grow = append(grow, byte(opSnapshot), 0, 0, 0, byte(opClear), 0, 0, 0, byte(opLen), 0, 0, 0)
	for k := range 16 {
		grow = append(grow, byte(opComputeAdd), byte(k), 3, 0, byte(opLoadAndDelete), byte(15-k), 0, 0)
	}
	f.Add(grow)
	f.Fuzz(func(t *testing.T, data []byte) { checkSequential(t, decodeOps(data)) })
}

// TestSequentialLarge runs long random sequences over more keys than fit
// in the top levels, so that leaves split and empty out.
func TestSequentialLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 4 {
		keys := []int{100, 3000, 20000, 100}[round]
		var ops []op
		for range 40000 {
			o := op{kind: opKind(r.IntN(int(opLen))), key: r.IntN(keys), a: r.IntN(4), b: r.IntN(4)}
			if r.IntN(3) == 0 {
				o.kind = opStore
			}
			ops = append(ops, o)
		}
		ops = append(ops, op{kind: opLen})
		checkSequential(t, ops)
	}
}

func TestSnapshotViewIsFrozen(t *testing.T) {
	m := NewSnapshot[int, int]()
	for i := range 1000 {
		m.Store(i, i)
	}
	v := m.Snapshot()
	for i := range 1000 {
		if i%2 == 0 {
			m.Delete(i)
		} else {
			m.Store(i, -i)
		}
		m.Store(1000+i, i)
	}
	if v.Len() != 1000 || m.Len() != 1500 {
		t.Fatalf("view.Len() = %d, map Len() = %d; want 1000, 1500", v.Len(), m.Len())
	}
	for k, val := range v.All() {
		if k != val {
			t.Fatalf("view holds %d=%d, want %d=%d", k, val, k, k)
		}
	}
	for i := range 2000 {
		if x, ok := v.Load(i); ok != (i < 1000) || ok && x != i {
			t.Fatalf("view.Load(%d) = %d, %v", i, x, ok)
		}
	}
	m.Clear()
	if m.Len() != 0 || v.Len() != 1000 {
		t.Fatalf("after Clear: Len() = %d, view.Len() = %d", m.Len(), v.Len())
	}
	var zero Snapshot[string, int]
	if v := zero.Snapshot(); v.Len() != 0 {
		t.Fatalf("view of a zero map has %d entries", v.Len())
	}
}

// TestRangeBodyMayWrite: the loop body of Range and All may call the map,
// and sees the snapshot, not its own writes.
func TestRangeBodyMayWrite(t *testing.T) {
	for _, impl := range impls {
		m := impl.make()
		for i := range 100 {
			m.Store(i, i)
		}
		n := 0
		for k, v := range m.All() {
			m.Delete(k)
			m.Store(k+1000, v)
			n++
		}
		if n != 100 || m.Len() != 100 {
			t.Errorf("%s: iterated %d entries, Len() = %d after; want 100, 100", impl.name, n, m.Len())
		}
	}
}

func TestZeroAllocs(t *testing.T) {
	for _, impl := range impls[:3] {
		m := impl.make()
		for i := range 1000 {
			m.Store(i, i)
		}
		if n := testing.AllocsPerRun(100, func() { m.Load(500) }); n != 0 {
			t.Errorf("%s: Load allocates %v times", impl.name, n)
		}
		if impl.name == "Snapshot" {
			continue // a write replaces a leaf: one allocation
		}
		if n := testing.AllocsPerRun(100, func() { m.Store(500, 7) }); n != 0 {
			t.Errorf("%s: Store of an existing key allocates %v times", impl.name, n)
		}
	}
	s := NewSnapshot[int, int]()
	s.Store(1, 1)
	if n := testing.AllocsPerRun(100, func() { s.Store(1, 2) }); n != 1 {
		t.Errorf("Snapshot: Store of an existing key allocates %v times, want 1", n)
	}
}

func TestPanics(t *testing.T) {
	for _, tc := range []struct {
		f    func()
		want string
	}{
		{func() { NewLocked[int, []int]().CompareAndSwap(1, nil, nil) }, "cmap: CompareAndSwap of a value of type []int, which is not comparable"},
		{func() {
			m := NewSnapshot[int, any]()
			m.CompareAndDelete(1, []int{1})
		}, "cmap: CompareAndDelete of a value of type []int, which is not comparable"},
		{func() {
			m := NewSharded[int, map[int]int]()
			m.Store(1, nil)
			m.CompareAndSwap(1, nil, nil)
		}, "cmap: CompareAndSwap of a value of type map[int]int, which is not comparable"},
		{func() { (*Locked[int, int])(nil).Load(1) }, "cmap: Load called on a nil *Locked"},
		{func() { (*Sharded[int, int])(nil).Store(1, 1) }, "cmap: Store called on a nil *Sharded"},
		{func() { (*Snapshot[int, int])(nil).Range(nil) }, "cmap: Range called on a nil *Snapshot"},
	} {
		func() {
			defer func() {
				if got, _ := recover().(string); !strings.Contains(got, tc.want) {
					t.Errorf("panic %q, want %q", got, tc.want)
				}
			}()
			tc.f()
		}()
	}
}

func TestLayout(t *testing.T) {
	if n := unsafeSizeofShard(); n != 64 {
		t.Errorf("a shard is %d bytes, want one 64-byte cache line", n)
	}
}
