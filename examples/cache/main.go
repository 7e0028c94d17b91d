// Command cache counts hits in a map while holding only the read lock:
// RLock admits many goroutines at once, so two of them can write hits
// together (mapvet: rlockwrite). Its Snapshot method is the safe shape.
package main

import (
	"fmt"
	"sync"
)

type Cache struct {
	mu   sync.RWMutex
	data map[string]string
	hits map[string]int
}

func New() *Cache {
	return &Cache{data: map[string]string{}, hits: map[string]int{}}
}

func (c *Cache) Get(k string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	c.hits[k]++
	v, ok := c.data[k]
	return v, ok
}

func (c *Cache) Set(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data[k] = v
}

func (c *Cache) Snapshot() map[string]int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make(map[string]int, len(c.hits))
	for k, n := range c.hits {
		out[k] = n
	}
	return out
}

func main() {
	c := New()
	c.Set("a", "1")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10000; j++ {
				c.Get("a")
			}
		}()
	}
	wg.Wait()
	fmt.Println(c.Snapshot())
}
