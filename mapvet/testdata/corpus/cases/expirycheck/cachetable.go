// Package expirycheck is modeled on cache2go's cache table: the expiration
// check runs from a time.AfterFunc callback and ranges the items, taking
// the table's lock only around the timer bookkeeping, while Add writes the
// items under the lock from the callers' goroutines.
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
		t.expirationCheck() // race: a the scan ranges t.items without the lock
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
	t.Unlock()

	now := time.Now()
	smallestDuration := time.Duration(0)
	for key, item := range t.items { // race: a ranges t.items without t's lock; Add writes it under the lock
		item.RLock()
		lifeSpan, accessedOn := item.lifeSpan, item.accessedOn
		item.RUnlock()
		if lifeSpan == 0 {
			continue
		}
		if now.Sub(accessedOn) >= lifeSpan {
			t.deleteInternal(key)
		} else if left := lifeSpan - now.Sub(accessedOn); smallestDuration == 0 || left < smallestDuration {
			smallestDuration = left
		}
	}

	t.Lock()
	t.cleanupInterval = smallestDuration
	if smallestDuration > 0 {
		t.cleanupTimer = time.AfterFunc(smallestDuration, func() { // race: a the timer's callback runs the unlocked expiration check on its own goroutine
			go t.expirationCheck() // race: a the callback's goroutine runs the unlocked scan
		})
	}
	t.Unlock()
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
