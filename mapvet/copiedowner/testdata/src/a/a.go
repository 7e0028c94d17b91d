package a

import (
	"sync"
	"time"
)

// prometheus/prometheus#15559's shape: a derived logger shares the seen map
// but gets a zero mutex of its own.
type Deduper struct {
	prefix string
	mtx    sync.RWMutex
	seen   map[string]time.Time
}

func (d *Deduper) seenRecently(msg string) bool {
	d.mtx.RLock()
	defer d.mtx.RUnlock()
	_, ok := d.seen[msg]
	return ok
}

func (d *Deduper) remember(msg string) {
	d.mtx.Lock()
	d.seen[msg] = time.Now()
	d.mtx.Unlock()
}

func (d *Deduper) forget(msg string) {
	d.mtx.Lock()
	delete(d.seen, msg)
	d.mtx.Unlock()
}

func (d *Deduper) WithPrefix(p string) *Deduper {
	return &Deduper{prefix: d.prefix + p, seen: d.seen} // want `the new Deduper shares d.seen with d, but not d.mtx, which guards it: the two lock different mutexes around one map`
}

// Reported at the element that shares the map.
func (d *Deduper) WithGroup(g string) *Deduper {
	return &Deduper{
		prefix: d.prefix + g + ".",
		seen:   d.seen, // want `the new Deduper shares d.seen with d`
	}
}

// An assignment into the new value shares it just the same.
func (d *Deduper) Fork() *Deduper {
	n := &Deduper{prefix: d.prefix}
	n.seen = d.seen // want `the new Deduper shares d.seen with d`
	return n
}

// Sharing a pointer to the mutex keeps one lock around the map.
type shared struct {
	mu   *sync.Mutex
	seen map[string]bool
}

func (s *shared) add(k string) { s.mu.Lock(); s.seen[k] = true; s.mu.Unlock() }
func (s *shared) has(k string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[k]
}
func (s *shared) drop(k string) { s.mu.Lock(); delete(s.seen, k); s.mu.Unlock() }

func (s *shared) With() *shared { return &shared{mu: s.mu, seen: s.seen} }

// A value receiver locks a copy of the mutex.
type Cache struct {
	mu    sync.Mutex
	items map[string]int
}

func (c *Cache) Put(k string, v int) {
	c.mu.Lock()
	c.items[k] = v
	c.mu.Unlock()
}

func (c *Cache) Delete(k string) {
	c.mu.Lock()
	delete(c.items, k)
	c.mu.Unlock()
}

func (c Cache) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[k] // want `Get has a value receiver: c.mu is a copy, so locking it does not guard c.items, which every copy shares`
}
