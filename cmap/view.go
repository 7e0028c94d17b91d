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
	m      *Snapshot[K, V]
	t      *table[K, V]
	gen    uint64
	handle uint64       // in m.views
	n      atomic.Int64 // Len, plus one, once counted
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

// rangeBatch is the number of slots whose versions Range finds before it
// visits their entries: finding them is a cache miss each, independent of
// one another, so the processor overlaps a batch of them, where visiting
// each before finding the next would wait for every miss in turn.
const rangeBatch = 32

// Range calls f for each entry of the view until f returns false.
func (v *View[K, V]) Range(f func(key K, value V) bool) {
	var batch [rangeBatch]*leaf[K, V]
	slots := v.t.slots
	for start := 0; start < len(slots); start += rangeBatch {
		n := 0
		for i := start; i < min(start+rangeBatch, len(slots)); i++ {
			x := slots[i].Load()
			if x == nil {
				continue
			}
			if x.state.Load() != committed || x.gen > v.gen {
				if x = v.version(&slots[i]); x == nil {
					continue
				}
			}
			batch[n] = x
			n++
		}
		for _, x := range batch[:n] {
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

// registry keeps the live Views of a map, in the order they registered,
// and the generation of the oldest where writers read it with one load.
//
// Views of successful Snapshot() calls register in increasing generation
// order (each registers before its CAS, and the next reads the generation
// after it), and a registration that loses its CAS is withdrawn, so the
// first live registration has the smallest generation of all live Views.
// Add and remove are O(1) amortized, whatever the number of live Views.
type registry struct {
	mu    sync.Mutex
	queue []registration // from head; compacted when half is dead
	head  int
	base  uint64 // the handle of queue[0]
	// oldest1 is the oldest live View's generation plus one, or 0 when no
	// View is live (so that the zero registry has none).
	oldest1 atomic.Uint64
}

type registration struct {
	gen  uint64
	live bool
}

// oldest returns the generation of the oldest live View, if there is one.
func (r *registry) oldest() (gen uint64, ok bool) {
	o := r.oldest1.Load()
	return o - 1, o != 0
}

// add registers a View of generation gen and returns its handle.
func (r *registry) add(gen uint64) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queue = append(r.queue, registration{gen, true})
	r.update()
	return r.base + uint64(len(r.queue)-1)
}

// remove withdraws the registration with handle h.
func (r *registry) remove(h uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queue[h-r.base].live = false
	for r.head < len(r.queue) && !r.queue[r.head].live {
		r.head++
	}
	if r.head > len(r.queue)/2 {
		n := copy(r.queue, r.queue[r.head:])
		clear(r.queue[n:])
		r.queue = r.queue[:n]
		r.base += uint64(r.head)
		r.head = 0
	}
	r.update()
}

func (r *registry) update() {
	if r.head == len(r.queue) {
		r.oldest1.Store(0)
	} else {
		r.oldest1.Store(r.queue[r.head].gen + 1)
	}
}
