package clean

import "sync"

type Cache struct {
	mu   sync.RWMutex
	hits map[string]int
}

func (c *Cache) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hits[k]++
	return c.hits[k]
}
