package cmap

// Snapshot is a hash table of immutable leaves with a version chain per
// slot: multiversion concurrency control at the granularity of a slot,
// with the ctrie's generation-checked CAS (Prokopec, Bronson, Bagwell and
// Odersky, "Concurrent Tries with Efficient Non-Blocking Snapshots", PPoPP
// 2012) to tell which versions a snapshot sees.
//
// # Shape
//
//	Snapshot.table ──► table: slots [2^k]atomic pointer, one per hash & mask
//	                     │
//	                     └─► leaf (gen 9) ──link──► leaf (gen 6) ──link──► nil
//	                         current version         kept for a View of gen 6..8
//
// A slot points to the newest version of the entries whose keys hash to
// it: a leaf, an immutable array of up to 8 entries with a tag byte each
// (leaf.go). A write never changes a leaf: it makes a new one (one
// allocation) and swaps it in. A Load reads the table, the slot and the
// leaf: two dependent cache misses at 1e6 keys, as xsync's bucket and entry.
//
// # Generations, snapshots and GCAS
//
// The map has a generation counter (Snapshot.gen, even; odd while it is
// frozen, below). Every leaf records the generation it was written in.
// Snapshot() increments the generation with one compare-and-swap and
// returns a View of the old one: O(1), whatever the size of the map. The
// View sees, in each slot, the newest version written in its generation
// or before; a writer that replaces a version of an older generation keeps
// it on the new leaf's link while some live View may need it (the minimum
// generation of the live Views is kept in a registry, view.go), and drops
// the chain when none does, so a map without Views keeps no old versions.
//
// For a View to be exact, a write must land in the generation it was
// tagged with. A writer installs its new leaf marked pending, with the
// version it replaces on its link; it then reads the map's generation and
// commits the leaf if that is still the leaf's, or aborts it (the slot
// means the old version again) and retries. Whoever meets a pending leaf,
// reader or writer, decides it the same way, with one compare-and-swap on
// its state, so every goroutine sees one outcome. A write that commits is
// linearized at the generation read that decided it; the Snapshot() that
// ends that generation comes later, so the View contains exactly the
// writes linearized before its Snapshot().
//
// # Growth
//
// When the map holds more than loadFactor entries per slot, the table
// doubles. Growth freezes the map (an odd generation: every pending write
// aborts, writers wait, readers and Views go on reading the old table,
// which stays exact), splits each slot's current leaf into two in a new
// table, and unfreezes it in a new generation. Views keep the table they
// were taken on. Growth is O(n) with writers waiting, amortized O(1) per
// insert; Clear is an O(1) freeze that installs an empty table.
//
// # Iteration guarantees
//
// A View is immutable: Load, Len and All on it give the map as of the
// instant of Snapshot(), each key once, while writers go on. Range and All
// on the live map take a View and iterate it, so they see a consistent
// point-in-time map too, and the loop body may call any method of the map
// (it sees the View, not its own writes).
//
// # Costs
//
//	Load               lock-free, no writes to shared memory, 0 allocations
//	Store, Delete, ... one leaf allocation (32 bytes + entries), 2 CAS; an
//	                   insert or delete adds to a striped counter
//	Snapshot()         O(1): 1 CAS, registering the View, a GC cleanup
//	View.Load          a slot's chain: 1 leaf unless written since the View
//	View.All, Range    O(table + n), no allocation per entry
//	View.Len           O(table + n) the first time, then cached
//	Len                O(stripes); exact when no write is in flight
//	Clear              O(1)
//
// A write cancelled by a concurrent Snapshot() or growth is retried, and
// so is one that lost a race on its slot; Compute's function can therefore
// run more than once. The table never shrinks (a Go map does not either);
// Clear frees it.
//
// # Why this design
//
// The first version of this map (commit f05509b) was a ctrie reshaped for
// reads: 64-way mutable inner nodes tagged with generations, immutable
// 8-entry leaves, GCAS on slots, O(1) Snapshot() by copying the root and
// renewing the inner nodes on a path lazily. A Load at 1e6 keys walked the
// root, two inner nodes and a leaf, and measured 2.4x xsync's (2.1x at 1e4)
// in paired runs on the 2-core benchmark machine (TestPairedLoad,
// -cmap.paired=N, median of three runs); xsync reads a bucket and an entry.
// This table reads a slot and a leaf, and measured 0.96x (0.90x at 1e4) in
// the same runs. What the table gives up is a Snapshot() that shares
// structure: it needs the per-slot version chains and the registry of live
// Views instead, and growth must freeze writers. A copy-on-write map
// (snapshots by copying) is the other known way to consistent iteration:
// its snapshot costs O(n): maps.Clone under a read lock took 53 ms at 1e6
// int keys in docs/cmap-bench.md, where Snapshot() took 0.5-1.9 µs at any
// size.

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
	// leafMax is the number of entries a leaf's tags cover; larger leaves
	// are bigLeafs, searched linearly. At loadFactor 2 fewer than 1 slot
	// in 4000 holds more (Poisson tail).
	leafMax = 8

	// loadFactor is the number of entries per slot past which the table
	// doubles (so slots hold 1 to 2 entries on average). A higher load
	// saves slots (8 bytes each) but makes leaves span more cache lines
	// and every write copy more entries.
	loadFactor = 2

	// minSlots is the size of a new table (and the smallest): a few cache
	// lines of slots, so that small maps stay small.
	minSlots = 16

	// counterStripes spreads Len's counter over this many cache lines so
	// that two writers add to the same one with probability 1/16.
	counterStripes = 16

	// growCheckAt: an insert that makes a leaf this large checks the
	// load factor (summing the counter, 16 loads). At loadFactor 2, 14% of
	// slots hold 4 or more entries (Poisson), so the check runs soon after
	// the table passes its load, and on few inserts before.
	growCheckAt = 4
)

// GCAS states of a leaf. A leaf is created committed unless it is proposed
// by a write.
const (
	committed uint32 = iota
	pending
	aborted
)

type table[K comparable, V any] struct {
	slots []atomic.Pointer[leaf[K, V]]
	mask  uint64
	count *counter // shared by the tables one growth makes from another
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
	table atomic.Pointer[table[K, V]]
	// gen is the current generation, always even, or odd (the one before,
	// plus one) while growth or Clear has the map frozen.
	gen   atomic.Uint64
	mu    sync.Mutex // serializes growth, Clear and the first write
	views registry

	seed maphash.Seed
	// wordKey: K is an integer of 8 bytes, hashed by mixInt rather than
	// maphash.Comparable.
	wordKey bool

	skipGenCheck bool // a deliberately broken map for the tests (export_test.go)
	yieldInWrite bool // tests: widen the window between reading and proposing
}

// NewSnapshot returns an empty Snapshot map. WithSizeHint sizes its table
// for that many entries.
func NewSnapshot[K comparable, V any](opts ...Option) *Snapshot[K, V] {
	m := &Snapshot[K, V]{}
	m.init(configure(opts).sizeHint)
	return m
}

// init makes the first table of a zero map.
func (m *Snapshot[K, V]) init(hint int) *table[K, V] {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t := m.table.Load(); t != nil {
		return t
	}
	m.seed = maphash.MakeSeed()
	m.wordKey = isWord[K]()
	n := minSlots
	if hint > loadFactor*minSlots {
		n = 1 << bits.Len(uint(hint/loadFactor-1))
	}
	t := newTable[K, V](n, new(counter))
	m.table.Store(t)
	return t
}

func newTable[K comparable, V any](n int, c *counter) *table[K, V] {
	return &table[K, V]{slots: make([]atomic.Pointer[leaf[K, V]], n), mask: uint64(n - 1), count: c}
}

func (m *Snapshot[K, V]) hash(key K) uint64 {
	if m.wordKey {
		return mixInt(*(*uint64)(unsafe.Pointer(&key)), m.seed)
	}
	return maphash.Comparable(m.seed, key)
}

// isWord reports whether K is an integer type of 8 bytes, whose keys mixInt
// hashes.
func isWord[K comparable]() bool {
	var zero K
	switch any(zero).(type) {
	case int, uint, uintptr, int64, uint64:
		return unsafe.Sizeof(zero) == 8
	}
	return false
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

// resolve returns the version that slot stands for, given x, the leaf
// loaded from it: x itself once committed, the version x replaced if x
// was aborted (nil: none). A pending x is decided first.
func (m *Snapshot[K, V]) resolve(slot *atomic.Pointer[leaf[K, V]], x *leaf[K, V]) *leaf[K, V] {
	for {
		switch x.state.Load() {
		case committed:
			return x
		case aborted:
			return x.link.Load()
		}
		m.decide(slot, x)
	}
}

// decide commits the pending leaf n in slot if the map is still in n's
// generation, and aborts it otherwise; the first goroutine to decide wins.
// It reports whether n committed.
func (m *Snapshot[K, V]) decide(slot *atomic.Pointer[leaf[K, V]], n *leaf[K, V]) bool {
	to := aborted
	if m.gen.Load() == n.gen || m.skipGenCheck {
		to = committed
	}
	n.state.CompareAndSwap(pending, to)
	if n.state.Load() == committed {
		return true
	}
	slot.CompareAndSwap(n, n.link.Load()) // put the old version back
	return false
}

// Load returns the value stored for key, and whether it was present.
func (m *Snapshot[K, V]) Load(key K) (value V, ok bool) {
	if m == nil {
		nilReceiver("Snapshot", "Load")
	}
	t := m.table.Load()
	if t == nil {
		return value, false
	}
	// The fast path is written out (hash, slot, leaf lookup): the
	// compiler does not inline generic methods here, and the calls cost
	// a fifth of a Load of a cached key.
	var h uint64
	if m.wordKey {
		h = mixInt(*(*uint64)(unsafe.Pointer(&key)), m.seed)
	} else {
		h = maphash.Comparable(m.seed, key)
	}
	slot := (*atomic.Pointer[leaf[K, V]])(unsafe.Add(unsafe.Pointer(unsafe.SliceData(t.slots)),
		uintptr(h&t.mask)*unsafe.Sizeof(atomic.Pointer[leaf[K, V]]{})))
	x := slot.Load()
	if x == nil {
		return value, false
	}
	if x.state.Load() != committed {
		if x = m.resolve(slot, x); x == nil {
			return value, false
		}
	}
	if x.n == bigN {
		return x.getBig(key)
	}
	base := unsafe.Add(unsafe.Pointer(x), entriesOffset[K, V]())
	for w := match(x.tags, tagOf(h)); w != 0; w &= w - 1 {
		e := (*entry[K, V])(unsafe.Add(base, uintptr(bits.TrailingZeros64(w)>>3)*unsafe.Sizeof(entry[K, V]{})))
		if e.key == key {
			return e.value, true
		}
	}
	return value, false
}

// slot returns the slot of hash h. It indexes without a bounds check:
// h&t.mask is below len(t.slots), a power of two.
func (t *table[K, V]) slot(h uint64) *atomic.Pointer[leaf[K, V]] {
	return (*atomic.Pointer[leaf[K, V]])(unsafe.Add(unsafe.Pointer(unsafe.SliceData(t.slots)),
		uintptr(h&t.mask)*unsafe.Sizeof(atomic.Pointer[leaf[K, V]]{})))
}

// mutate runs one write: f gets key's value and whether it is present, and
// says what to do. It returns what f saw and what f returned, from the
// attempt that took effect (or the last one, when f cancels).
func (m *Snapshot[K, V]) mutate(key K, f func(old V, loaded bool) (V, ComputeOp)) (old V, loaded bool, nv V, op ComputeOp) {
	if m.table.Load() == nil {
		m.init(0) // before hashing: init chooses the seed
	}
	h := m.hash(key)
	for {
		g := m.gen.Load()
		if g&1 != 0 { // frozen: growth or Clear is under way
			runtime.Gosched()
			continue
		}
		t := m.table.Load()
		slot := t.slot(h)
		x := slot.Load()
		cur := x
		if x != nil {
			cur = m.resolve(slot, x)
		}
		at := -1
		old, loaded = *new(V), false
		if cur != nil {
			if at = cur.index(key, tagOf(h)); at >= 0 {
				old, loaded = cur.entries()[at].value, true
			}
		}
		nv, op = f(old, loaded)
		var n *leaf[K, V]
		switch {
		case op == UpdateOp && loaded:
			n = cur.withValue(at, nv)
		case op == UpdateOp:
			n = cur.with(entry[K, V]{key, nv}, h)
		case op == DeleteOp && loaded:
			n = cur.without(at, m.hash)
		default: // CancelOp, or DeleteOp of an absent key
			return old, loaded, nv, op
		}
		if m.yieldInWrite {
			runtime.Gosched()
		}
		n.gen = g
		n.state.Store(pending)
		n.link.Store(cur)
		if !slot.CompareAndSwap(x, n) || !m.decide(slot, n) {
			continue
		}
		n.link.Store(m.older(cur, g))
		switch {
		case op == DeleteOp:
			t.count.add(h, -1)
		case !loaded:
			t.count.add(h, 1)
			if n.n >= growCheckAt {
				m.grow(t)
			}
		}
		return old, loaded, nv, op
	}
}

// older returns what the link of a new committed version of generation g
// should hold, given cur, the version it replaced: the newest version of
// an older generation, if a live View may read it. It also cuts the chain
// below the oldest live View, which no View can reach any more.
func (m *Snapshot[K, V]) older(cur *leaf[K, V], g uint64) *leaf[K, V] {
	oldest, ok := m.views.oldest()
	if cur == nil || !ok {
		return nil
	}
	if cur.gen == g { // no View is of generation g or later
		cur = cur.link.Load()
	}
	for e := cur; e != nil; e = e.link.Load() {
		if e.gen <= oldest {
			if e.link.Load() != nil {
				e.link.Store(nil)
			}
			break
		}
	}
	return cur
}

// freeze makes the generation odd, so that every write still pending
// aborts and new ones wait, and returns the generation it froze. The
// caller holds m.mu and ends the freeze by storing freeze()+2.
func (m *Snapshot[K, V]) freeze() uint64 {
	for {
		if g := m.gen.Load(); g&1 == 0 && m.gen.CompareAndSwap(g, g+1) {
			return g
		}
		runtime.Gosched() // a Snapshot() won the race; it is one CAS
	}
}

// grow doubles t if it is still the table and holds more than loadFactor
// entries per slot.
func (m *Snapshot[K, V]) grow(t *table[K, V]) {
	if t.count.sum() <= int64(loadFactor*len(t.slots)) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.table.Load() != t {
		return // grown, or cleared, by another goroutine
	}
	g := m.freeze()
	nt := newTable[K, V](2*len(t.slots), t.count)
	var lo, hi []entry[K, V]
	var hlo, hhi []uint64
	for i := range t.slots {
		x := t.slots[i].Load()
		if x == nil {
			continue
		}
		cur := m.resolve(&t.slots[i], x) // pending writes abort: gen is odd
		if cur == nil {
			continue
		}
		lo, hi, hlo, hhi = lo[:0], hi[:0], hlo[:0], hhi[:0]
		for _, e := range cur.entries() {
			h := m.hash(e.key)
			if h&uint64(len(t.slots)) == 0 {
				lo, hlo = append(lo, e), append(hlo, h)
			} else {
				hi, hhi = append(hi, e), append(hhi, h)
			}
		}
		nt.slots[i].Store(leafOfEntries(lo, hlo, g+2))
		nt.slots[i+len(t.slots)].Store(leafOfEntries(hi, hhi, g+2))
	}
	m.table.Store(nt)
	m.gen.Store(g + 2)
}

// leafOfEntries returns a committed leaf of generation g holding es, whose
// hashes are hs, or nil for none.
func leafOfEntries[K comparable, V any](es []entry[K, V], hs []uint64, g uint64) *leaf[K, V] {
	if len(es) == 0 {
		return nil
	}
	l := newLeaf[K, V](len(es))
	copy(l.entries(), es)
	for i, h := range hs[:min(len(hs), leafMax)] {
		l.tags |= uint64(tagOf(h)) << (8 * i)
	}
	l.gen = g
	return l
}

// Snapshot returns a read-only view of the map as it is now, in O(1).
func (m *Snapshot[K, V]) Snapshot() *View[K, V] {
	if m == nil {
		nilReceiver("Snapshot", "Snapshot")
	}
	v := m.snapshot()
	runtime.AddCleanup(v, m.views.remove, v.handle)
	return v
}

// snapshot ends the current generation and returns a View of it,
// registered; the caller arranges for its release.
func (m *Snapshot[K, V]) snapshot() *View[K, V] {
	if m.table.Load() == nil {
		m.init(0)
	}
	for {
		g := m.gen.Load()
		if g&1 != 0 {
			runtime.Gosched()
			continue
		}
		t := m.table.Load()
		// Register first: a writer that reads the new generation must
		// then find this View among the live ones (see older).
		h := m.views.add(g)
		if m.gen.CompareAndSwap(g, g+2) {
			return &View[K, V]{m: m, t: t, gen: g, handle: h}
		}
		m.views.remove(h)
	}
}

// Clear deletes every entry, in O(1).
func (m *Snapshot[K, V]) Clear() {
	if m == nil {
		nilReceiver("Snapshot", "Clear")
	}
	if m.table.Load() == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.freeze()
	m.table.Store(newTable[K, V](minSlots, new(counter)))
	m.gen.Store(g + 2)
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
	if m == nil {
		nilReceiver("Snapshot", "CompareAndSwap")
	}
	mustCompare("CompareAndSwap", old)
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
	if m == nil {
		nilReceiver("Snapshot", "CompareAndDelete")
	}
	mustCompare("CompareAndDelete", old)
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
// concurrent write to the same slot won the race: it must be a pure
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
	t := m.table.Load()
	if t == nil {
		return 0
	}
	return int(t.count.sum())
}

// Range calls f for each entry of a snapshot of the map taken when Range
// is called, until f returns false.
func (m *Snapshot[K, V]) Range(f func(key K, value V) bool) {
	if m == nil {
		nilReceiver("Snapshot", "Range")
	}
	v := m.snapshot()
	defer m.views.remove(v.handle) // v does not escape: release it now, not at GC
	v.Range(f)
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
	c.stripes[(h>>32)%counterStripes].n.Add(d)
}

func (c *counter) sum() int64 {
	var n int64
	for i := range c.stripes {
		n += c.stripes[i].n.Load()
	}
	return n
}
