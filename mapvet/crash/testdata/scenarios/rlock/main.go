// Command rlock counts cache hits in a map while holding only the read
// lock: RLock lets many readers in at once, so two of them write together.
//
// Modeled on castai/k8s-agent#233 ("acquire explicit lock when saving
// delta events to map"): writes to a map were made under RLock.
package main

import (
	"fmt"
	"sync"
	"time"

	"scenarios/internal/watchdog"
)

type Cache struct {
	mu   sync.RWMutex
	data map[string]string
	hits map[string]int
}

func (c *Cache) Get(k string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	c.hits[k]++ // writer
	return c.data[k]
}

func (c *Cache) Set(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data[k] = v
}

func main() {
	watchdog.Start(10 * time.Second)
	c := &Cache{data: map[string]string{}, hits: map[string]int{}}
	var keys []string
	for i := range 64 {
		keys = append(keys, fmt.Sprint("k", i))
		c.Set(keys[i], "v")
	}
	for range 4 {
		go func() {
			for i := 0; ; i++ {
				c.Get(keys[i%64])
			}
		}()
	}
	select {}
}
