package a

import "sync"

// A lock taken under a condition and the map written under the same
// condition (the shape of client-go's cache that locks only when it
// caches): the write holds the lock on every path that reaches it.
type condCache struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *condCache) put(k string, canCache bool) {
	if canCache {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	if len(k) == 0 {
		return
	}
	if canCache {
		c.m[k] = 1
	}
}

func condLocked(c *condCache) {
	go c.put("a", true)
	c.mu.Lock()
	c.m["b"] = 2
	c.mu.Unlock()
}

// Another condition guards nothing.
func (c *condCache) putOther(k string, canCache, other bool) {
	if canCache {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	if other {
		c.m[k] = 1
	}
}

func condOther(c *condCache) {
	go c.putOther("a", true, true)
	c.mu.Lock()
	c.m["b"] = 2 // want `write to c.m may run while the goroutine started at condlock.go:45 writes it`
	c.mu.Unlock()
}
