package a

import (
	"maps"
	"sync"
)

type Cache struct {
	mu   sync.RWMutex
	data map[string]int
	hits map[string]int
}

func (c *Cache) Get(k string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	c.hits[k]++ // want `write to c.hits while only the read lock c.mu is held: other holders of the read lock may use c.hits at the same time \(fatal error: concurrent map writes\)`
	return c.data[k]
}

func (c *Cache) Evict(k string) {
	c.mu.RLock()
	delete(c.data, k) // want `delete of c.data while only the read lock c.mu is held`
	c.mu.RUnlock()
}

func (c *Cache) Reset() {
	c.mu.RLock()
	clear(c.data) // want `clear of c.data while only the read lock c.mu is held`
	c.mu.RUnlock()
}

func (c *Cache) count(k string) {
	c.hits[k] += 1
}

// The write is in a callee.
func (c *Cache) Lookup(k string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	c.count(k) // want `call to c.count writes c.hits \(assign at a.go:34\) while only the read lock c.mu is held`
	return c.data[k]
}

// An embedded RWMutex.
type Registry struct {
	sync.RWMutex
	byName map[string]int
}

func (r *Registry) Touch(name string) {
	r.RLock()
	r.byName[name] = 1 // want `write to r.byName while only the read lock r.RWMutex is held`
	r.RUnlock()
}

var (
	mu    sync.RWMutex
	table = map[int]string{}
)

func Put(k int, v string) {
	mu.RLock()
	defer mu.RUnlock()
	table[k] = v // want `write to table while only the read lock mu is held`
}

func TryPut(k int, v string) {
	if mu.TryRLock() {
		table[k] = v // want `write to table while only the read lock mu is held`
		mu.RUnlock()
	}
}

// The guard is inferred: every other write holds reg.mu.
type entry struct{ tags map[string]bool }

type index struct {
	mu sync.RWMutex
}

var reg index

func tag(e *entry, t string) {
	reg.mu.Lock()
	e.tags[t] = true
	reg.mu.Unlock()
}

func untag(e *entry, t string) {
	reg.mu.Lock()
	delete(e.tags, t)
	reg.mu.Unlock()
}

func retag(e *entry, t string) {
	reg.mu.RLock()
	e.tags[t] = false // want `write to e.tags while only the read lock reg.mu is held`
	reg.mu.RUnlock()
}

// A library call that writes.
func (c *Cache) Merge(other map[string]int) {
	c.mu.RLock()
	maps.Copy(c.hits, other) // want `maps.Copy writing c.hits while only the read lock c.mu is held`
	c.mu.RUnlock()
}
