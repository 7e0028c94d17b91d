// Package iconcache is the fixed twin of cases/iconcache: Get only reads
// under the read lock; an expired entry is left for Set to overwrite.
//
// Report: https://github.com/selfhst/icons/issues/684
package iconcache

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

type cacheItem struct {
	Data      string
	Timestamp time.Time
}

// Cache keeps fetched icons for ttl.
type Cache struct {
	mu    sync.RWMutex
	items map[string]cacheItem
	ttl   time.Duration
}

// NewCache returns an empty cache.
func NewCache(ttl time.Duration) *Cache {
	return &Cache{items: make(map[string]cacheItem), ttl: ttl}
}

// Get returns a fresh cached icon.
func (c *Cache) Get(key string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	item, ok := c.items[key]
	if !ok {
		return "", false
	}
	if time.Since(item.Timestamp) > c.ttl {
		return "", false
	}
	return item.Data, true
}

// Set caches an icon.
func (c *Cache) Set(key, data string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[key] = cacheItem{Data: data, Timestamp: time.Now()}
}

// Handler serves icons from upstream through the cache.
func Handler(c *Cache, upstream string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if svg, ok := c.Get(name); ok {
			w.Header().Set("Content-Type", "image/svg+xml")
			_, _ = io.WriteString(w, svg)
			return
		}
		resp, err := http.Get(upstream + "/" + name)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		c.Set(name, string(b))
		w.Header().Set("Content-Type", "image/svg+xml")
		_, _ = w.Write(b)
	}
}
