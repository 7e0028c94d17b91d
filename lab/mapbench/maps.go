package mapbench

import (
	"maps"
	"sync"

	concurrentmap "github.com/orcaman/concurrent-map/v2"
	"github.com/puzpuzpuz/xsync/v4"

	"github.com/mapsafe/mapsafe/cmap"
)

// Map is what a workload does to a map: the operations every contestant
// has, with int values.
type Map[K comparable] interface {
	Load(K) (int, bool)
	Store(K, int)
	Delete(K)
	// Range is how a user of this map iterates it while others write.
	Range(func(K, int) bool)
}

// Snapshotter is a map that can give a consistent snapshot of itself while
// others write: Snap takes one (a View, or a copy) and returns it.
type Snapshotter[K comparable] interface {
	Snap() any
}

// A Contestant is one map implementation, for int and for string keys.
type Contestant struct {
	Name string
	// About says what it is and how its Range and snapshot work.
	About     string
	newInt    func() Map[int]
	newString func() Map[string]
}

// Contestants are the maps measured, in the order of the tables.
var Contestants = []Contestant{
	{"Snapshot", "cmap.Snapshot; Range iterates an O(1) snapshot; Snap is Snapshot()",
		func() Map[int] { return snapshotMap[int]{cmap.NewSnapshot[int, int]()} },
		func() Map[string] { return snapshotMap[string]{cmap.NewSnapshot[string, int]()} }},
	{"Sharded", "cmap.Sharded, 64 shards; Range copies under all shard locks; Snap collects Range into a map",
		func() Map[int] { return copyingMap[int]{cmap.NewSharded[int, int]()} },
		func() Map[string] { return copyingMap[string]{cmap.NewSharded[string, int]()} }},
	{"Locked", "cmap.Locked; Range copies under the read lock; Snap collects Range into a map",
		func() Map[int] { return copyingMap[int]{cmap.NewLocked[int, int]()} },
		func() Map[string] { return copyingMap[string]{cmap.NewLocked[string, int]()} }},
	{"RWMutex", "a plain map behind a sync.RWMutex; Range holds the read lock; Snap is maps.Clone under it",
		func() Map[int] { return &rwMap[int]{m: map[int]int{}} },
		func() Map[string] { return &rwMap[string]{m: map[string]int{}} }},
	{"sync.Map", "sync.Map (a hash trie since Go 1.24); Range is not a snapshot; no Snap",
		func() Map[int] { return &syncMap[int]{} },
		func() Map[string] { return &syncMap[string]{} }},
	{"xsync", "github.com/puzpuzpuz/xsync/v4 Map (v4.5.0); Range is not a snapshot; no Snap",
		func() Map[int] { return xsyncMap[int]{xsync.NewMap[int, int]()} },
		func() Map[string] { return xsyncMap[string]{xsync.NewMap[string, int]()} }},
	{"orcaman", "github.com/orcaman/concurrent-map/v2 (v2.0.1), 32 locked shards; Range (IterCb) locks one shard at a time, not a snapshot; no Snap",
		func() Map[int] {
			return orcamanMap[int]{concurrentmap.NewWithCustomShardingFunction[int, int](shardInt)}
		},
		func() Map[string] { return orcamanMap[string]{concurrentmap.New[int]()} }},
}

// ContestantNamed returns the contestant with the given name.
func ContestantNamed(name string) (Contestant, bool) {
	for _, c := range Contestants {
		if c.Name == name {
			return c, true
		}
	}
	return Contestant{}, false
}

type snapshotMap[K comparable] struct{ m *cmap.Snapshot[K, int] }

func (m snapshotMap[K]) Load(k K) (int, bool)      { return m.m.Load(k) }
func (m snapshotMap[K]) Store(k K, v int)          { m.m.Store(k, v) }
func (m snapshotMap[K]) Delete(k K)                { m.m.Delete(k) }
func (m snapshotMap[K]) Range(f func(K, int) bool) { m.m.Range(f) }
func (m snapshotMap[K]) Snap() any                 { return m.m.Snapshot() }

// copyingMap is a cmap map whose Range copies the map under its locks.
type copyingMap[K comparable] struct{ Map[K] }

func (m copyingMap[K]) Snap() any {
	c := map[K]int{}
	m.Range(func(k K, v int) bool { c[k] = v; return true })
	return c
}

type rwMap[K comparable] struct {
	mu sync.RWMutex
	m  map[K]int
}

func (m *rwMap[K]) Load(k K) (int, bool) {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	return v, ok
}

func (m *rwMap[K]) Store(k K, v int) {
	m.mu.Lock()
	m.m[k] = v
	m.mu.Unlock()
}

func (m *rwMap[K]) Delete(k K) {
	m.mu.Lock()
	delete(m.m, k)
	m.mu.Unlock()
}

func (m *rwMap[K]) Range(f func(K, int) bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for k, v := range m.m {
		if !f(k, v) {
			return
		}
	}
}

func (m *rwMap[K]) Snap() any {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return maps.Clone(m.m)
}

type syncMap[K comparable] struct{ m sync.Map }

func (m *syncMap[K]) Load(k K) (int, bool) {
	v, ok := m.m.Load(k)
	if !ok {
		return 0, false
	}
	return v.(int), true
}

func (m *syncMap[K]) Store(k K, v int) { m.m.Store(k, v) }
func (m *syncMap[K]) Delete(k K)       { m.m.Delete(k) }
func (m *syncMap[K]) Range(f func(K, int) bool) {
	m.m.Range(func(k, v any) bool { return f(k.(K), v.(int)) })
}

type xsyncMap[K comparable] struct{ *xsync.Map[K, int] }

type orcamanMap[K comparable] struct {
	m concurrentmap.ConcurrentMap[K, int]
}

func (m orcamanMap[K]) Load(k K) (int, bool) { return m.m.Get(k) }
func (m orcamanMap[K]) Store(k K, v int)     { m.m.Set(k, v) }
func (m orcamanMap[K]) Delete(k K)           { m.m.Remove(k) }

// Range stops calling f after it returns false; IterCb itself cannot stop.
func (m orcamanMap[K]) Range(f func(K, int) bool) {
	more := true
	m.m.IterCb(func(k K, v int) {
		if more {
			more = f(k, v)
		}
	})
}

// shardInt is orcaman's sharding function for int keys (it ships one only
// for strings): a multiplicative hash, high bits.
func shardInt(k int) uint32 { return uint32((uint64(k) * 0x9e3779b97f4a7c15) >> 32) }
