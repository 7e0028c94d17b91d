package cmap

import (
	"hash/maphash"
	"iter"
	"math/bits"
	"sync"
	"sync/atomic"
)

// defaultShards is the number of shards of a Sharded map made without
// WithShards. Two goroutines collide on a shard with probability 1/shards
// per operation; 64 keeps that under 2% while the shard array (64 cache
// lines, 4 KiB) stays small next to any map worth sharding.
const defaultShards = 64

// maxShards bounds WithShards: 1<<16 shards are 4 MiB of locks.
const maxShards = 1 << 16

// Sharded is a fixed number of shards, each a builtin map behind its own
// sync.Mutex; a key's shard is chosen by a seeded hash
// (hash/maphash.Comparable), so keys that collide on one map do not collide
// on another.
//
// Costs: each operation hashes the key (3-13 ns for ints and short
// strings), takes its shard's lock and then costs what it costs on a
// builtin map, but only goroutines that meet on one shard contend, and the
// lock's cache line is shared only with them. Load and Store of an existing
// key do not allocate. Len takes every shard's lock in turn: O(shards).
//
// The lock is a Mutex, not an RWMutex, for Load too: two Loads wait for
// each other only when they meet on one shard, which sharding makes rare,
// while an RWMutex's write lock and unlock cost four atomic operations to
// a Mutex's two. At 50% reads with two goroutines that took Sharded from
// slower than Locked to faster (docs/cmap-bench.md).
//
// Iteration: Range and All take every shard's lock (in index order), copy
// the entries, release the locks and then call the loop body with no lock
// held: they see a consistent snapshot of the whole map, each key once,
// and the body may call any method of the map. The copy costs O(n) time
// and memory, and writers wait for it.
//
// The zero Sharded is an empty map with defaultShards shards, ready to use.
type Sharded[K comparable, V any] struct {
	tab  atomic.Pointer[shardTable[K, V]]
	init sync.Mutex // makes tab of a zero Sharded
}

type shardTable[K comparable, V any] struct {
	seed   maphash.Seed
	mask   uint64
	shards []shard[K, V]
}

// shard is padded to a 64-byte cache line so that two shards' locks never
// share one (false sharing would bring back the contention sharding removes).
type shard[K comparable, V any] struct {
	mu sync.Mutex // 8 bytes
	m  map[K]V    // 8 bytes
	_  [48]byte
}

// NewSharded returns an empty Sharded map. WithShards sets the number of
// shards, WithSizeHint presizes them.
func NewSharded[K comparable, V any](opts ...Option) *Sharded[K, V] {
	m := &Sharded[K, V]{}
	m.tab.Store(newShardTable[K, V](configure(opts)))
	return m
}

func newShardTable[K comparable, V any](c config) *shardTable[K, V] {
	n := defaultShards
	if c.shards > 0 {
		n = 1 << bits.Len(uint(min(c.shards, maxShards)-1))
	}
	t := &shardTable[K, V]{seed: maphash.MakeSeed(), mask: uint64(n - 1), shards: make([]shard[K, V], n)}
	for i := range t.shards {
		t.shards[i].m = make(map[K]V, max(c.sizeHint, 0)/n)
	}
	return t
}

// table returns the shard table, making it for a zero Sharded.
func (m *Sharded[K, V]) table(method string) *shardTable[K, V] {
	if m != nil {
		if t := m.tab.Load(); t != nil {
			return t
		}
	}
	return m.makeTable(method)
}

// makeTable is table's slow path, apart so that table stays short: a nil
// receiver panics, a zero Sharded gets its table.
func (m *Sharded[K, V]) makeTable(method string) *shardTable[K, V] {
	if m == nil {
		nilReceiver("Sharded", method)
	}
	m.init.Lock()
	defer m.init.Unlock()
	if t := m.tab.Load(); t != nil {
		return t
	}
	t := newShardTable[K, V](config{})
	m.tab.Store(t)
	return t
}

// shard returns key's shard, making the table of a zero Sharded. It does
// table's work itself rather than call it: neither would inline (a call
// through a generic method's dictionary is over the inliner's budget), and
// one call per operation instead of two took a Load from 16.8 to 15.1 ns
// (1e3 int keys, idle machine).
func (m *Sharded[K, V]) shard(method string, key K) *shard[K, V] {
	var t *shardTable[K, V]
	if m != nil {
		t = m.tab.Load()
	}
	if t == nil {
		t = m.makeTable(method)
	}
	return &t.shards[maphash.Comparable(t.seed, key)&t.mask]
}

// Load returns the value stored for key, and whether it was present.
func (m *Sharded[K, V]) Load(key K) (value V, ok bool) {
	s := m.shard("Load", key)
	s.mu.Lock()
	value, ok = s.m[key]
	s.mu.Unlock()
	return value, ok
}

// Store sets the value for key.
func (m *Sharded[K, V]) Store(key K, value V) {
	s := m.shard("Store", key)
	s.mu.Lock()
	s.m[key] = value
	s.mu.Unlock()
}

// LoadOrStore returns the existing value for key if present (loaded true);
// otherwise it stores value and returns it (loaded false).
func (m *Sharded[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	s := m.shard("LoadOrStore", key)
	s.mu.Lock()
	defer s.mu.Unlock()
	return loadOrStore(s.m, key, value)
}

// LoadAndDelete deletes key, returning its previous value if any.
func (m *Sharded[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	s := m.shard("LoadAndDelete", key)
	s.mu.Lock()
	defer s.mu.Unlock()
	return loadAndDelete(s.m, key)
}

// Delete deletes key.
func (m *Sharded[K, V]) Delete(key K) {
	s := m.shard("Delete", key)
	s.mu.Lock()
	delete(s.m, key)
	s.mu.Unlock()
}

// Swap stores value for key and returns the previous value, if any.
func (m *Sharded[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	s := m.shard("Swap", key)
	s.mu.Lock()
	defer s.mu.Unlock()
	return swap(s.m, key, value)
}

// CompareAndSwap stores new for key if its value is old (compared with ==).
func (m *Sharded[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
	mustCompare("CompareAndSwap", old)
	s := m.shard("CompareAndSwap", key)
	s.mu.Lock()
	defer s.mu.Unlock()
	return compareAndSwap(s.m, key, old, new)
}

// CompareAndDelete deletes key if its value is old (compared with ==).
func (m *Sharded[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	mustCompare("CompareAndDelete", old)
	s := m.shard("CompareAndDelete", key)
	s.mu.Lock()
	defer s.mu.Unlock()
	return compareAndDelete(s.m, key, old)
}

// Compute calls f with key's value (and whether it is present) holding the
// key's shard lock, and does what f returns: UpdateOp stores the value,
// DeleteOp deletes the key, CancelOp changes nothing. It returns the key's
// value afterwards and whether it is present. f must not call the map.
func (m *Sharded[K, V]) Compute(key K, f func(old V, loaded bool) (V, ComputeOp)) (actual V, ok bool) {
	s := m.shard("Compute", key)
	s.mu.Lock()
	defer s.mu.Unlock()
	return compute(s.m, key, f)
}

// Len returns the number of entries. It adds up the shards one at a time,
// so with concurrent writes it is a count the map may never have had at
// one instant; with none it is exact.
func (m *Sharded[K, V]) Len() int {
	t := m.table("Len")
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

// Clear deletes every entry. It takes all shard locks at once, so no
// reader sees some shards cleared and others not.
func (m *Sharded[K, V]) Clear() {
	t := m.table("Clear")
	for i := range t.shards {
		t.shards[i].mu.Lock()
	}
	for i := range t.shards {
		clear(t.shards[i].m)
		t.shards[i].mu.Unlock()
	}
}

// Range calls f for each entry of a consistent snapshot of the map (see the
// type's comment) until f returns false.
func (m *Sharded[K, V]) Range(f func(key K, value V) bool) {
	for _, e := range m.table("Range").copy() {
		if !f(e.key, e.value) {
			return
		}
	}
}

// All returns an iterator over a consistent snapshot of the map, taken when
// the iteration starts (see the type's comment).
func (m *Sharded[K, V]) All() iter.Seq2[K, V] {
	m.table("All")
	return m.Range
}

func (t *shardTable[K, V]) copy() []entry[K, V] {
	for i := range t.shards {
		t.shards[i].mu.Lock()
	}
	n := 0
	for i := range t.shards {
		n += len(t.shards[i].m)
	}
	es := make([]entry[K, V], 0, n)
	for i := range t.shards {
		es = appendEntries(es, t.shards[i].m)
		t.shards[i].mu.Unlock()
	}
	return es
}
