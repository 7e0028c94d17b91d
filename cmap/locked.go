package cmap

import (
	"iter"
	"slices"
	"sync"
)

// Locked is a builtin map behind a sync.RWMutex.
//
// Costs: Load, Len take the read lock; Store, Delete, Swap, Compute and the
// other writes take the write lock; none of them allocates unless the builtin
// map grows. Readers run in parallel, but every operation writes the lock's
// reader count, one cache line shared by all goroutines, so Locked scales
// poorly past one or two goroutines (docs/cmap-bench.md).
//
// Iteration: Range and All copy the entries into a slice under the read lock
// and then call the loop body with no lock held. They see a consistent
// snapshot (the map as of one instant during the call), each key once, and the
// body may call any method of the map. The copy costs O(n) time and
// 16-48 bytes per entry for as long as the loop runs, and writers wait for
// the copy (not for the body). A builtin map ranged without a lock while
// another goroutine writes may crash the program with "concurrent map
// iteration and map write"; Locked cannot.
//
// The zero Locked is an empty map ready to use.
type Locked[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

// NewLocked returns an empty Locked map. WithSizeHint presizes it.
func NewLocked[K comparable, V any](opts ...Option) *Locked[K, V] {
	c := configure(opts)
	return &Locked[K, V]{m: make(map[K]V, max(c.sizeHint, 0))}
}

// Load returns the value stored for key, and whether it was present.
func (m *Locked[K, V]) Load(key K) (value V, ok bool) {
	if m == nil {
		nilReceiver("Locked", "Load")
	}
	m.mu.RLock()
	value, ok = m.m[key]
	m.mu.RUnlock()
	return value, ok
}

// init makes the builtin map of a zero Locked; the write lock is held.
func (m *Locked[K, V]) init() {
	if m.m == nil {
		m.m = make(map[K]V)
	}
}

// Store sets the value for key.
func (m *Locked[K, V]) Store(key K, value V) {
	if m == nil {
		nilReceiver("Locked", "Store")
	}
	m.mu.Lock()
	m.init()
	m.m[key] = value
	m.mu.Unlock()
}

// LoadOrStore returns the existing value for key if present (loaded true);
// otherwise it stores value and returns it (loaded false).
func (m *Locked[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	if m == nil {
		nilReceiver("Locked", "LoadOrStore")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	return loadOrStore(m.m, key, value)
}

// LoadAndDelete deletes key, returning its previous value if any.
func (m *Locked[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	if m == nil {
		nilReceiver("Locked", "LoadAndDelete")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return loadAndDelete(m.m, key)
}

// Delete deletes key.
func (m *Locked[K, V]) Delete(key K) {
	if m == nil {
		nilReceiver("Locked", "Delete")
	}
	m.mu.Lock()
	delete(m.m, key)
	m.mu.Unlock()
}

// Swap stores value for key and returns the previous value, if any.
func (m *Locked[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	if m == nil {
		nilReceiver("Locked", "Swap")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	return swap(m.m, key, value)
}

// CompareAndSwap stores new for key if its value is old (compared with ==).
func (m *Locked[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
	mustCompare("CompareAndSwap", old)
	if m == nil {
		nilReceiver("Locked", "CompareAndSwap")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return compareAndSwap(m.m, key, old, new)
}

// CompareAndDelete deletes key if its value is old (compared with ==).
func (m *Locked[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	mustCompare("CompareAndDelete", old)
	if m == nil {
		nilReceiver("Locked", "CompareAndDelete")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return compareAndDelete(m.m, key, old)
}

// Compute calls f with key's value (and whether it is present) holding the
// write lock, and does what f returns: UpdateOp stores the value, DeleteOp
// deletes the key, CancelOp changes nothing. It returns the key's value
// afterwards and whether it is present. f must not call the map.
func (m *Locked[K, V]) Compute(key K, f func(old V, loaded bool) (V, ComputeOp)) (actual V, ok bool) {
	if m == nil {
		nilReceiver("Locked", "Compute")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	return compute(m.m, key, f)
}

// Len returns the number of entries.
func (m *Locked[K, V]) Len() int {
	if m == nil {
		nilReceiver("Locked", "Len")
	}
	m.mu.RLock()
	n := len(m.m)
	m.mu.RUnlock()
	return n
}

// Clear deletes every entry.
func (m *Locked[K, V]) Clear() {
	if m == nil {
		nilReceiver("Locked", "Clear")
	}
	m.mu.Lock()
	clear(m.m)
	m.mu.Unlock()
}

// Range calls f for each entry of a consistent snapshot of the map (see the
// type's comment) until f returns false.
func (m *Locked[K, V]) Range(f func(key K, value V) bool) {
	if m == nil {
		nilReceiver("Locked", "Range")
	}
	for _, e := range m.copy() {
		if !f(e.key, e.value) {
			return
		}
	}
}

// All returns an iterator over a consistent snapshot of the map, taken when
// the iteration starts (see the type's comment).
func (m *Locked[K, V]) All() iter.Seq2[K, V] {
	if m == nil {
		nilReceiver("Locked", "All")
	}
	return m.Range
}

func (m *Locked[K, V]) copy() []entry[K, V] {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return appendEntries(nil, m.m)
}

// entry is one key and its value.
type entry[K comparable, V any] struct {
	key   K
	value V
}

func appendEntries[K comparable, V any](es []entry[K, V], m map[K]V) []entry[K, V] {
	es = slices.Grow(es, len(m))
	for k, v := range m {
		es = append(es, entry[K, V]{k, v})
	}
	return es
}
