// Package cachettl is the fixed twin of cases/cachettl: the expiry callback
// takes the lock before it deletes.
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
	time.AfterFunc(m.ttl, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		delete(m.entries, key)
	})
	return v, nil
}

// Len returns the number of cached values.
func (m *CacheManager[T]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}
