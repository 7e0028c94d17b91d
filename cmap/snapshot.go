package cmap

// Snapshot is a wide hash trie with immutable leaves, mutable inner nodes
// and generation-tagged copy-on-write: a ctrie (Prokopec, Bronson, Bagwell
// and Odersky, "Concurrent Tries with Efficient Non-Blocking Snapshots",
// PPoPP 2012) reshaped for Go's memory and for reads.
//
// # Shape
//
//	Snapshot.root ──► inner (gen g) ── 64 atomic slots, one per 6 hash bits
//	                    │ slot: nil | *inner | *leaf
//	                    ├──► inner (gen g or older) ── 64 slots ...
//	                    └──► leaf: up to 8 entries {key, value} inline, immutable
//
// A key's hash picks one slot per level, 6 bits at a time. A leaf holds the
// keys whose hashes share the prefix leading to it; a write never changes a
// leaf but replaces it with a new one (one allocation), and a leaf that would
// exceed leafMax entries is replaced by an inner node that spreads them over
// the next 6 bits. At 1e6 keys a Load visits the root, two inner nodes and a
// leaf; the top two levels stay in cache, so it costs about two cache misses,
// as xsync's bucket-then-entry does.
//
// # Snapshots and GCAS
//
// Every inner node carries the generation it belongs to, and the map holds
// the current one (Snapshot.gen). Snapshot() freezes the current generation,
// copies the root's 64 slots into a new root of a new generation and keeps
// the old root as the view: O(1), whatever the size of the map. From then on
// the nodes of the old generation are shared with the view and never
// written: a writer that reaches one copies it into the current generation
// first (renew), so the cost of a snapshot is paid lazily, one inner node
// (512 bytes) per level on the path of the first write below it.
//
// A writer replaces a slot with a generation-checked compare-and-swap
// (GCAS, the ctrie's primitive): it installs its new node marked pending,
// with a pointer to the node it replaces; it then reads the map's current
// generation and commits the new node if that is still the generation of the
// slot's inner node, or aborts it (and the slot means the old node again).
// Whoever meets a pending node, reader or writer, decides it the same way,
// with one compare-and-swap on the node's state, so every goroutine sees one
// outcome. A write that commits is linearized at the generation read that
// decided it, which precedes any freeze of that generation, so a view
// contains exactly the writes linearized before its Snapshot().
//
// # Iteration guarantees
//
// A View is immutable: Load, Len and All on it always give the map as of
// the instant of Snapshot(), each key once, while writers go on. Range and
// All on the live map take a Snapshot() and iterate it, so they see a
// consistent point-in-time map too, and the loop body may call any method
// (it sees the view, not its own writes).
//
// # Costs
//
//	Load               lock-free, no writes to shared memory, 0 allocations
//	Store, Delete, ... one leaf allocation (16 bytes + entries), 2 CAS; an
//	                   insert or delete also adds to a striped counter
//	Snapshot()         O(1): a mutex among snapshot takers, one 512-byte root
//	View.All, Range    O(n) walk, no allocation per entry
//	View.Len           O(n) the first time, then cached
//	Len                O(stripes); exact when no write is in flight
//	Clear              O(1): a new empty root
//
// Memory: inner nodes are never merged back after deletes (a Go map does
// not shrink either); Clear frees everything. A write cancelled by a
// concurrent Snapshot() is retried on the new root, and so is one that lost
// a race on its slot; Compute's function can therefore run more than once.
//
// # Why this design
//
// WHYDESIGN

import (
	"hash/maphash"
	"iter"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

const (
	// levelBits is the number of hash bits each level consumes: 64 slots of
	// 8 bytes make an inner node 512 bytes, eight cache lines. Wider nodes
	// save a level at 1e6 keys but make every snapshot and every renew
	// copy more; narrower ones add a level (a cache miss) to every Load.
	levelBits = 6
	fanout    = 1 << levelBits
	slotMask  = fanout - 1

	// leafMax is the most entries a leaf holds before it is split into an
	// inner node. A write copies the whole leaf, and a Load scans it, so it
	// is small; but each split costs a 512-byte node, and at 8 the leaves
	// at 1e6 keys hold 3.8 entries on average, which keeps memory per entry
	// near xsync's (docs/cmap-bench.md).
	leafMax = 8

	// counterStripes spreads Len's counter over this many cache lines so
	// that two writers add to the same one with probability 1/16.
	counterStripes = 16
)

// Node kinds.
const (
	kindInner uint8 = iota
	kindLeaf
)

// GCAS states. A node is created committed unless it is the proposal of a
// GCAS.
const (
	committed uint32 = iota
	pending
	aborted
)

// node is the header shared by inner nodes and leaves; a slot holds a
// *node that points to either.
type node struct {
	state atomic.Uint32
	kind  uint8
	n     uint8 // leaves: the number of entries, or bigN
	// prev is the node that a pending or aborted proposal replaces (nil for
	// an empty slot); it is cleared when the proposal commits.
	prev atomic.Pointer[node]
}

type generation struct{ _ byte } // non-zero size: each new one is a distinct pointer

type inner struct {
	node
	gen   *generation
	count *counter // only on roots: the live map's entry count
	slots [fanout]atomic.Pointer[node]
}

type counter struct {
	stripes [counterStripes]struct {
		n atomic.Int64
		_ [56]byte // one stripe per cache line
	}
}

// Snapshot is a concurrent map with O(1) consistent snapshots: see the
// design comment at the top of snapshot.go for its guarantees and costs.
// The zero Snapshot is an empty map ready to use.
type Snapshot[K comparable, V any] struct {
	root atomic.Pointer[inner]
	// gen is the current generation: root's, or frozen while Snapshot or
	// Clear replaces the root.
	gen atomic.Pointer[generation]
	mu  sync.Mutex // serializes root replacement and the first write

	seed   maphash.Seed
	intKey bool

	skipGenCheck bool // a deliberately broken map for the tests (export_test.go)
	yieldInWrite bool // tests: widen the window between reading and proposing
}

// frozen is the generation of no node: while m.gen holds it, every pending
// proposal aborts.
var frozen = new(generation)

// View is a read-only, point-in-time view of a Snapshot map.
type View[K comparable, V any] struct {
	m    *Snapshot[K, V]
	root *inner // nil for a view of a zero map
	n    atomic.Int64
}

// NewSnapshot returns an empty Snapshot map. It takes no options today;
// WithSizeHint is accepted and ignored (the trie grows without copying).
func NewSnapshot[K comparable, V any](opts ...Option) *Snapshot[K, V] {
	_ = configure(opts)
	m := &Snapshot[K, V]{}
	m.init()
	return m
}

// init makes the first root of a zero map.
func (m *Snapshot[K, V]) init() *inner {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.root.Load(); r != nil {
		return r
	}
	m.seed = maphash.MakeSeed()
	var zero K
	switch any(zero).(type) {
	case int, uint, uintptr, int64, uint64, int32, uint32, int16, uint16, int8, uint8:
		m.intKey = true
	}
	g := new(generation)
	r := &inner{gen: g, count: new(counter)}
	m.gen.Store(g)
	m.root.Store(r)
	return r
}

func (m *Snapshot[K, V]) hash(key K) uint64 {
	if m.intKey {
		return mixInt(intBits(key), m.seed)
	}
	return maphash.Comparable(m.seed, key)
}

// intBits returns the bits of k, an integer of any size.
func intBits[K any](k K) uint64 {
	p := unsafe.Pointer(&k)
	switch unsafe.Sizeof(k) {
	case 8:
		return *(*uint64)(p)
	case 4:
		return uint64(*(*uint32)(p))
	case 2:
		return uint64(*(*uint16)(p))
	}
	return uint64(*(*uint8)(p))
}

// mixInt hashes an integer key: two multiply-xorshift rounds, seeded. It
// costs about 1 ns where maphash.Comparable costs 4 ns, a tenth of a Load
// at 1e4 keys.
func mixInt(v uint64, seed maphash.Seed) uint64 {
	s := *(*uint64)(unsafe.Pointer(&seed))
	hi, lo := bits.Mul64(v^s, 0x9e3779b97f4a7c15)
	hi, lo = bits.Mul64(hi^lo, 0xbf58476d1ce4e5b9)
	return hi ^ lo
}

// resolve returns the node that slot i of p stands for, given x, the
// pointer loaded from it: x itself once committed, the node x replaced if x
// was aborted. A pending x is decided first (see gcas).
func (m *Snapshot[K, V]) resolve(p *inner, i uint64, x *node) *node {
	for {
		switch x.state.Load() {
		case committed:
			return x
		case aborted:
			return x.prev.Load()
		}
		m.decide(p, i, x)
	}
}

// gcas replaces x, the pointer loaded from slot i of p, by n, which stands
// for old (x itself, or what an aborted x stands for). It reports whether n
// committed; if not, the caller starts over from the root.
func (m *Snapshot[K, V]) gcas(p *inner, i uint64, x, old, n *node) bool {
	n.state.Store(pending)
	n.prev.Store(old)
	if !p.slots[i].CompareAndSwap(x, n) {
		return false
	}
	return m.decide(p, i, n)
}

// decide commits the pending proposal n in slot i of p if p belongs to the
// current generation, and aborts it otherwise; the first goroutine to decide
// wins. It reports whether n committed.
func (m *Snapshot[K, V]) decide(p *inner, i uint64, n *node) bool {
	to := aborted
	if m.gen.Load() == p.gen || m.skipGenCheck {
		to = committed
	}
	n.state.CompareAndSwap(pending, to)
	if n.state.Load() == committed {
		n.prev.Store(nil) // let the replaced node go
		return true
	}
	p.slots[i].CompareAndSwap(n, n.prev.Load()) // put the old node back
	return false
}

// Load returns the value stored for key, and whether it was present.
func (m *Snapshot[K, V]) Load(key K) (value V, ok bool) {
	if m == nil {
		nilReceiver("Snapshot", "Load")
	}
	r := m.root.Load()
	if r == nil {
		return value, false
	}
	return m.find(r, key, m.hash(key))
}

func (m *Snapshot[K, V]) find(p *inner, key K, h uint64) (value V, ok bool) {
	for shift := uint(0); ; shift += levelBits {
		i := (h >> shift) & slotMask
		x := p.slots[i].Load()
		if x == nil {
			return value, false
		}
		if x.state.Load() != committed {
			if x = m.resolve(p, i, x); x == nil {
				return value, false
			}
		}
		if x.kind == kindInner {
			p = (*inner)(unsafe.Pointer(x))
			continue
		}
		l := (*leaf[K, V])(unsafe.Pointer(x))
		if i := l.index(key, tagOf(h)); i >= 0 {
			return l.entries()[i].value, true
		}
		return value, false
	}
}

// mutate runs one write: f gets key's value and whether it is present, and
// says what to do. It returns what f saw and what f returned, from the
// attempt that took effect (or the last one, when f cancels).
func (m *Snapshot[K, V]) mutate(key K, f func(old V, loaded bool) (V, ComputeOp)) (old V, loaded bool, nv V, op ComputeOp) {
	if m.root.Load() == nil {
		m.init() // before hashing: init chooses the seed
	}
	h := m.hash(key)
	for {
		r := m.root.Load()
		g := r.gen
		if m.gen.Load() != g { // a Snapshot or Clear is replacing the root
			runtime.Gosched()
			continue
		}
		var done bool
		old, loaded, nv, op, done = m.mutateFrom(r, g, key, h, f)
		if done {
			return old, loaded, nv, op
		}
	}
}

// mutateFrom is one attempt of mutate from root r of generation g; done is
// false when the attempt lost a race and must start over.
func (m *Snapshot[K, V]) mutateFrom(r *inner, g *generation, key K, h uint64, f func(V, bool) (V, ComputeOp)) (old V, loaded bool, nv V, op ComputeOp, done bool) {
	p := r
	for shift := uint(0); ; shift += levelBits {
		i := (h >> shift) & slotMask
		x := p.slots[i].Load()
		cur := x
		if x != nil {
			cur = m.resolve(p, i, x)
		}
		if cur != nil && cur.kind == kindInner {
			c := (*inner)(unsafe.Pointer(cur))
			if c.gen != g { // shared with a view: copy it into generation g
				nc := m.renew(c, g)
				if !m.gcas(p, i, x, cur, &nc.node) {
					return old, loaded, nv, op, false
				}
				c = nc
			}
			p = c
			continue
		}
		var l *leaf[K, V]
		at := -1
		if cur != nil {
			l = (*leaf[K, V])(unsafe.Pointer(cur))
			if at = l.index(key, tagOf(h)); at >= 0 {
				old, loaded = l.entries()[at].value, true
			}
		}
		nv, op = f(old, loaded)
		var n *node
		delta := int64(0)
		switch {
		case op == UpdateOp && loaded:
			n = &l.withValue(at, nv).node
		case op == UpdateOp:
			n = m.insert(l, entry[K, V]{key, nv}, h, shift+levelBits, g)
			delta = 1
		case op == DeleteOp && loaded:
			n = &l.without(at).node
			delta = -1
		default: // CancelOp, or DeleteOp of an absent key
			return old, loaded, nv, op, true
		}
		if m.yieldInWrite {
			runtime.Gosched()
		}
		if !m.gcas(p, i, x, cur, n) {
			return old, loaded, nv, op, false
		}
		if delta != 0 {
			r.count.add(h, delta)
		}
		if delta < 0 && l.n == 1 {
			// The slot now holds an empty leaf; nil means the same and
			// holds no memory. The change needs no GCAS: no one can tell.
			p.slots[i].CompareAndSwap(n, nil)
		}
		return old, loaded, nv, op, true
	}
}

// insert returns a node holding l's entries (l may be nil) and e, whose
// hash is h, for a slot whose children use the hash bits from shift up: a
// leaf if they fit, else an inner node of generation g that spreads them.
func (m *Snapshot[K, V]) insert(l *leaf[K, V], e entry[K, V], h uint64, shift uint, g *generation) *node {
	if l == nil || l.n < leafMax || shift >= 64 {
		return &l.with(e, h).node
	}
	c := &inner{gen: g}
	es := l.entries()
	for _, x := range append(es[:len(es):len(es)], e) {
		hx := m.hash(x.key)
		i := (hx >> shift) & slotMask
		var sub *leaf[K, V]
		// A slot of c becomes an inner node only with its (leafMax+1)th
		// entry, which is then the last of the leafMax+1 spread here.
		if s := c.slots[i].Load(); s != nil {
			sub = (*leaf[K, V])(unsafe.Pointer(s))
		}
		c.slots[i].Store(m.insert(sub, x, hx, shift+levelBits, g))
	}
	return &c.node
}

// renew returns a copy of c in generation g, each slot holding the node it
// stands for (pending proposals in c are decided first; c's generation is
// past, so they abort unless they committed already).
func (m *Snapshot[K, V]) renew(c *inner, g *generation) *inner {
	nc := &inner{gen: g, count: c.count}
	for i := range c.slots {
		if x := c.slots[i].Load(); x != nil {
			nc.slots[i].Store(m.resolve(c, uint64(i), x))
		}
	}
	return nc
}

// replaceRoot freezes the current generation and installs the root that
// next returns (given the old root) in a new generation. The freeze makes
// every proposal still pending in the old generation abort, so the old root
// stays exactly what it was at the freeze.
func (m *Snapshot[K, V]) replaceRoot(next func(old *inner, g *generation) *inner) *inner {
	old := m.root.Load()
	if old == nil {
		old = m.init()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old = m.root.Load()
	m.gen.Store(frozen)
	g := new(generation)
	m.root.Store(next(old, g))
	m.gen.Store(g)
	return old
}

// Snapshot returns a read-only view of the map as it is now, in O(1).
func (m *Snapshot[K, V]) Snapshot() *View[K, V] {
	if m == nil {
		nilReceiver("Snapshot", "Snapshot")
	}
	old := m.replaceRoot(m.renew)
	return &View[K, V]{m: m, root: old}
}

// Clear deletes every entry, in O(1).
func (m *Snapshot[K, V]) Clear() {
	if m == nil {
		nilReceiver("Snapshot", "Clear")
	}
	m.replaceRoot(func(_ *inner, g *generation) *inner {
		return &inner{gen: g, count: new(counter)}
	})
}

// Store sets the value for key.
func (m *Snapshot[K, V]) Store(key K, value V) {
	if m == nil {
		nilReceiver("Snapshot", "Store")
	}
	m.mutate(key, func(V, bool) (V, ComputeOp) { return value, UpdateOp })
}

// LoadOrStore returns the existing value for key if present (loaded true);
// otherwise it stores value and returns it (loaded false).
func (m *Snapshot[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	if m == nil {
		nilReceiver("Snapshot", "LoadOrStore")
	}
	if v, ok := m.Load(key); ok {
		return v, true
	}
	old, loaded, _, _ := m.mutate(key, func(_ V, loaded bool) (V, ComputeOp) {
		if loaded {
			return value, CancelOp
		}
		return value, UpdateOp
	})
	if loaded {
		return old, true
	}
	return value, false
}

// LoadAndDelete deletes key, returning its previous value if any.
func (m *Snapshot[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	if m == nil {
		nilReceiver("Snapshot", "LoadAndDelete")
	}
	value, loaded, _, _ = m.mutate(key, func(old V, _ bool) (V, ComputeOp) { return old, DeleteOp })
	return value, loaded
}

// Delete deletes key.
func (m *Snapshot[K, V]) Delete(key K) {
	if m == nil {
		nilReceiver("Snapshot", "Delete")
	}
	m.mutate(key, func(old V, _ bool) (V, ComputeOp) { return old, DeleteOp })
}

// Swap stores value for key and returns the previous value, if any.
func (m *Snapshot[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	if m == nil {
		nilReceiver("Snapshot", "Swap")
	}
	previous, loaded, _, _ = m.mutate(key, func(V, bool) (V, ComputeOp) { return value, UpdateOp })
	return previous, loaded
}

// CompareAndSwap stores new for key if its value is old (compared with ==).
func (m *Snapshot[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
	mustCompare("CompareAndSwap", old)
	if m == nil {
		nilReceiver("Snapshot", "CompareAndSwap")
	}
	_, _, _, op := m.mutate(key, func(cur V, loaded bool) (V, ComputeOp) {
		if loaded && equal(cur, old) {
			return new, UpdateOp
		}
		return cur, CancelOp
	})
	return op == UpdateOp
}

// CompareAndDelete deletes key if its value is old (compared with ==).
func (m *Snapshot[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	mustCompare("CompareAndDelete", old)
	if m == nil {
		nilReceiver("Snapshot", "CompareAndDelete")
	}
	_, _, _, op := m.mutate(key, func(cur V, loaded bool) (V, ComputeOp) {
		if loaded && equal(cur, old) {
			return cur, DeleteOp
		}
		return cur, CancelOp
	})
	return op == DeleteOp
}

// Compute calls f with key's value (and whether it is present) and does
// what f returns: UpdateOp stores the value, DeleteOp deletes the key,
// CancelOp changes nothing. It returns the key's value afterwards and
// whether it is present. f runs without a lock and runs again if a
// concurrent write to the same leaf won the race: it must be a pure
// function of its arguments.
func (m *Snapshot[K, V]) Compute(key K, f func(old V, loaded bool) (V, ComputeOp)) (actual V, ok bool) {
	if m == nil {
		nilReceiver("Snapshot", "Compute")
	}
	old, loaded, nv, op := m.mutate(key, f)
	switch op {
	case UpdateOp:
		return nv, true
	case DeleteOp:
		var zero V
		return zero, false
	}
	return old, loaded
}

// Len returns the number of entries. With writes in flight it may be off
// by the writes that have taken effect but not yet been counted.
func (m *Snapshot[K, V]) Len() int {
	if m == nil {
		nilReceiver("Snapshot", "Len")
	}
	r := m.root.Load()
	if r == nil {
		return 0
	}
	return int(r.count.sum())
}

// Range calls f for each entry of a snapshot of the map taken when Range
// is called, until f returns false.
func (m *Snapshot[K, V]) Range(f func(key K, value V) bool) {
	if m == nil {
		nilReceiver("Snapshot", "Range")
	}
	m.Snapshot().Range(f)
}

// All returns an iterator over a snapshot of the map taken when the
// iteration starts.
func (m *Snapshot[K, V]) All() iter.Seq2[K, V] {
	if m == nil {
		nilReceiver("Snapshot", "All")
	}
	return m.Range
}

func (c *counter) add(h uint64, d int64) {
	c.stripes[(h>>58)%counterStripes].n.Add(d)
}

func (c *counter) sum() int64 {
	var n int64
	for i := range c.stripes {
		n += c.stripes[i].n.Load()
	}
	return n
}

// Load returns the value key had when the view was taken.
func (v *View[K, V]) Load(key K) (value V, ok bool) {
	if v.root == nil {
		return value, false
	}
	return v.m.find(v.root, key, v.m.hash(key))
}

// Range calls f for each entry of the view until f returns false.
func (v *View[K, V]) Range(f func(key K, value V) bool) {
	if v.root != nil {
		v.walk(v.root, f)
	}
}

// All returns an iterator over the entries of the view.
func (v *View[K, V]) All() iter.Seq2[K, V] { return v.Range }

// Len returns the number of entries in the view. The first call counts
// them, O(n); later calls return the count.
func (v *View[K, V]) Len() int {
	if n := v.n.Load(); n > 0 {
		return int(n - 1)
	}
	n := 0
	v.Range(func(K, V) bool { n++; return true })
	v.n.Store(int64(n) + 1)
	return n
}

func (v *View[K, V]) walk(p *inner, f func(K, V) bool) bool {
	for i := range p.slots {
		x := p.slots[i].Load()
		if x == nil {
			continue
		}
		if x.state.Load() != committed {
			if x = v.m.resolve(p, uint64(i), x); x == nil {
				continue
			}
		}
		if x.kind == kindInner {
			if !v.walk((*inner)(unsafe.Pointer(x)), f) {
				return false
			}
			continue
		}
		for _, e := range (*leaf[K, V])(unsafe.Pointer(x)).entries() {
			if !f(e.key, e.value) {
				return false
			}
		}
	}
	return true
}
