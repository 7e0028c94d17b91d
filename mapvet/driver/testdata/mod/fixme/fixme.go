package fixme

import "sync"

type Cache struct {
	mu   sync.RWMutex
	hits map[string]int
}

func (c *Cache) Get(k string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	c.hits[k]++
	return c.hits[k]
}

func Expand(m map[string]int) {
	for k, v := range m {
		m[k+"!"] = v
	}
}
