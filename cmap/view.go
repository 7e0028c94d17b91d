package cmap

import (
	"iter"
	"sync"
	"sync/atomic"
)

// View is a read-only, point-in-time view of a Snapshot map, made by
// Snapshot.Snapshot in O(1). It reads the map's table, following each
// slot's chain of versions back to the newest one of its generation or
// older (snapshot.go). While a View is reachable, writers keep the
// versions it needs; once the garbage collector finds it unreachable, a
// cleanup unregisters it and they stop.
type View[K comparable, V any] struct {
	m   *Snapshot[K, V]
	t   *table[K, V]
	gen uint64
	n   atomic.Int64 // Len, plus one, once counted
}

// version returns the version of slot the view sees, or nil.
func (v *View[K, V]) version(slot *atomic.Pointer[leaf[K, V]]) *leaf[K, V] {
	x := slot.Load()
	if x == nil {
		return nil
	}
	for x = v.m.resolve(slot, x); x != nil; x = x.link.Load() {
		if x.gen <= v.gen {
			return x
		}
	}
	return nil
}

// Load returns the value key had when the view was taken.
func (v *View[K, V]) Load(key K) (value V, ok bool) {
	h := v.m.hash(key)
	if x := v.version(&v.t.slots[h&v.t.mask]); x != nil {
		if i := x.index(key, tagOf(h)); i >= 0 {
			return x.entries()[i].value, true
		}
	}
	return value, false
}

// Range calls f for each entry of the view until f returns false.
func (v *View[K, V]) Range(f func(key K, value V) bool) {
	for i := range v.t.slots {
		if x := v.version(&v.t.slots[i]); x != nil {
			for _, e := range x.entries() {
				if !f(e.key, e.value) {
					return
				}
			}
		}
	}
}

// All returns an iterator over the entries of the view.
func (v *View[K, V]) All() iter.Seq2[K, V] { return v.Range }

// Len returns the number of entries in the view. The first call counts
// them; later calls return the count.
func (v *View[K, V]) Len() int {
	if n := v.n.Load(); n > 0 {
		return int(n - 1)
	}
	n := 0
	for i := range v.t.slots {
		if x := v.version(&v.t.slots[i]); x != nil {
			n += len(x.entries())
		}
	}
	v.n.Store(int64(n) + 1)
	return n
}

// registry counts the live Views of a map by generation, and keeps the
// oldest generation among them where writers read it with one load.
type registry struct {
	mu   sync.Mutex
	gens map[uint64]int
	// oldest1 is the oldest live View's generation plus one, or 0 when no
	// View is live (so that the zero registry has none).
	oldest1 atomic.Uint64
}

// oldest returns the generation of the oldest live View, if there is one.
func (r *registry) oldest() (gen uint64, ok bool) {
	o := r.oldest1.Load()
	return o - 1, o != 0
}

func (r *registry) add(gen uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gens == nil {
		r.gens = map[uint64]int{}
	}
	r.gens[gen]++
	if o := r.oldest1.Load(); o == 0 || gen+1 < o {
		r.oldest1.Store(gen + 1)
	}
}

func (r *registry) remove(gen uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gens[gen]--; r.gens[gen] > 0 {
		return
	}
	delete(r.gens, gen)
	if gen+1 != r.oldest1.Load() {
		return
	}
	oldest1 := uint64(0)
	for g := range r.gens {
		if oldest1 == 0 || g+1 < oldest1 {
			oldest1 = g + 1
		}
	}
	r.oldest1.Store(oldest1)
}
