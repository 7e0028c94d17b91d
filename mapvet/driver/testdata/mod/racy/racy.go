package racy

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

func Defer() {
	m := map[int]int{}
	defer func() {
		for range m {
		}
	}()
	go func() { m[1] = 1 }()
}
