// Package expirycheck is the fixed twin of cases/expirycheck: the
// expiration check holds the table's lock for the whole scan, collects the
// expired keys, and deletes them and calls their callbacks after the scan.
//
// Report: https://github.com/muesli/cache2go/issues/18
package expirycheck

import (
	"sync"
	"time"
)

// CacheItem is a cached value.
type CacheItem struct {
	sync.RWMutex
	key           any
	data          any
	lifeSpan      time.Duration
	accessedOn    time.Time
	aboutToExpire func(key any)
}

// CacheTable is a named cache.
type CacheTable struct {
	sync.RWMutex
	name            string
	items           map[any]*CacheItem
	cleanupTimer    *time.Timer
	cleanupInterval time.Duration
}

// NewCacheTable returns an empty table.
func NewCacheTable(name string) *CacheTable {
	return &CacheTable{name: name, items: make(map[any]*CacheItem)}
}

// Add caches data under key for lifeSpan after its last access.
func (t *CacheTable) Add(key any, lifeSpan time.Duration, data any) *CacheItem {
	item := &CacheItem{key: key, data: data, lifeSpan: lifeSpan, accessedOn: time.Now()}
	t.Lock()
	t.items[key] = item
	expDur := t.cleanupInterval
	t.Unlock()
	if lifeSpan > 0 && (expDur == 0 || lifeSpan < expDur) {
		t.expirationCheck()
	}
	return item
}

// Value returns the item under key and marks it accessed.
func (t *CacheTable) Value(key any) (*CacheItem, bool) {
	t.RLock()
	item, ok := t.items[key]
	t.RUnlock()
	if ok {
		item.Lock()
		item.accessedOn = time.Now()
		item.Unlock()
	}
	return item, ok
}

func (t *CacheTable) expirationCheck() {
	t.Lock()
	if t.cleanupTimer != nil {
		t.cleanupTimer.Stop()
	}
	now := time.Now()
	smallestDuration := time.Duration(0)
	var expired []any
	for key, item := range t.items {
		item.RLock()
		lifeSpan, accessedOn := item.lifeSpan, item.accessedOn
		item.RUnlock()
		if lifeSpan == 0 {
			continue
		}
		if now.Sub(accessedOn) >= lifeSpan {
			expired = append(expired, key)
		} else if left := lifeSpan - now.Sub(accessedOn); smallestDuration == 0 || left < smallestDuration {
			smallestDuration = left
		}
	}
	t.cleanupInterval = smallestDuration
	if smallestDuration > 0 {
		t.cleanupTimer = time.AfterFunc(smallestDuration, func() {
			go t.expirationCheck()
		})
	}
	t.Unlock()

	for _, key := range expired {
		t.deleteInternal(key)
	}
}

func (t *CacheTable) deleteInternal(key any) {
	t.Lock()
	item, ok := t.items[key]
	delete(t.items, key)
	t.Unlock()
	if ok && item.aboutToExpire != nil {
		item.aboutToExpire(key)
	}
}
