package a

import "sync"

type Cache struct {
	mu    sync.Mutex
	items map[string]int
}

func NewCache() *Cache {
	c := &Cache{items: map[string]int{}}
	c.items["warm"] = 1 // a constructor: nothing shares c yet
	return c
}

func (c *Cache) Put(k string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[k] = v
}

func (c *Cache) Delete(k string) {
	c.mu.Lock()
	delete(c.items, k)
	c.mu.Unlock()
}

func (c *Cache) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[k]
}

// Keys releases the lock too early: lock, read len, unlock, range.
func (c *Cache) Keys() []string {
	c.mu.Lock()
	n := len(c.items)
	c.mu.Unlock()
	keys := make([]string, 0, n)
	for k := range c.items { // want `range over c.items without c.mu, which guards it \(held at 4 of 5 accesses, e.g. a.go:19\): another goroutine may write c.items at the same time \(fatal error: concurrent map iteration and map write\)`
		keys = append(keys, k)
	}
	return keys
}

// A helper called with the lock held counts in its callers' contexts.
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *Counter) bump(k string) { c.n[k]++ }

func (c *Counter) Bump(k string) {
	c.mu.Lock()
	c.bump(k)
	c.mu.Unlock()
}

func (c *Counter) Add(k string, d int) {
	c.mu.Lock()
	c.n[k] += d
	c.mu.Unlock()
}

func (c *Counter) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

// A caller that forgets the lock is reported at the call.
func (c *Counter) BumpRacy(k string) {
	c.bump(k) // want `call to c.bump makes a write to c.n \(at a.go:52\) without c.mu, which guards it`
}
