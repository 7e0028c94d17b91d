// Package cachettl is modeled on the Docker language server's cache
// manager: Get fills a missing entry under the lock and schedules its
// expiry with time.AfterFunc, whose callback deletes the entry without the
// lock.
//
// Report: https://github.com/docker/docker-language-server/issues/298
package cachettl

import (
	"context"
	"sync"
	"time"
)

// Fetcher loads the value of a key.
type Fetcher[T any] func(ctx context.Context, key string) (T, error)

type entry[T any] struct {
	value   T
	fetched time.Time
}

// CacheManager caches fetched values for ttl.
type CacheManager[T any] struct {
	mu      sync.Mutex
	entries map[string]*entry[T]
	fetch   Fetcher[T]
	ttl     time.Duration
}

// NewManager returns an empty cache over fetch.
func NewManager[T any](fetch Fetcher[T], ttl time.Duration) *CacheManager[T] {
	return &CacheManager[T]{entries: make(map[string]*entry[T]), fetch: fetch, ttl: ttl}
}

// Get returns the cached value of key, fetching it if needed.
func (m *CacheManager[T]) Get(ctx context.Context, key string) (T, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[key]; ok {
		return e.value, nil
	}
	v, err := m.fetch(ctx, key)
	if err != nil {
		return v, err
	}
	m.entries[key] = &entry[T]{value: v, fetched: time.Now()}
	time.AfterFunc(m.ttl, func() { // race: a the expiry callback runs on the timer's goroutine
		delete(m.entries, key) // race: a deletes without m.mu while Get reads and writes the map under it
	})
	return v, nil
}

// Len returns the number of cached values.
func (m *CacheManager[T]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}
