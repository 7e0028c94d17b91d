// Package leasecache is modeled on etcd's client-side leasing cache: every
// method takes lc.mu around lc.entries except the range branch of
// LockWriteOps, which ranges over the map and takes the lock only inside
// each iteration (through lc.Lock), so Add and Evict on other goroutines
// write the map while it is being iterated. No goroutine is started in the
// package: its callers are the KV's concurrent Put/Txn/Get requests.
//
// Report: https://github.com/etcd-io/etcd/issues/22084
package leasecache

import (
	"strings"
	"sync"
)

// Op is one operation of a transaction.
type Op struct {
	Key   string
	End   string // non-empty for a range operation
	IsPut bool
	Value string
	Rev   int64
}

type leaseKey struct {
	value string
	rev   int64
	waitc chan struct{} // closed when a pending write completes
}

// Cache holds the keys this client holds leases on.
type Cache struct {
	mu      sync.RWMutex
	entries map[string]*leaseKey
	revokes map[string]int64
}

// New returns an empty cache.
func New() *Cache {
	return &Cache{entries: make(map[string]*leaseKey), revokes: make(map[string]int64)}
}

// Add caches a value read under a lease.
func (lc *Cache) Add(key, value string, rev int64) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	lc.entries[key] = &leaseKey{value: value, rev: rev, waitc: closedCh()}
}

// Get returns a cached value.
func (lc *Cache) Get(key string) (string, bool) {
	lc.mu.RLock()
	defer lc.mu.RUnlock()
	lk, ok := lc.entries[key]
	if !ok {
		return "", false
	}
	return lk.value, true
}

// Evict drops a key whose lease was revoked.
func (lc *Cache) Evict(key string, rev int64) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	delete(lc.entries, key)
	lc.revokes[key] = rev
}

// Lock blocks readers of key until the returned channel is closed.
func (lc *Cache) Lock(key string) (chan<- struct{}, int64) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	lk, ok := lc.entries[key]
	if !ok {
		return nil, 0
	}
	wc := make(chan struct{})
	lk.waitc = wc
	return wc, lk.rev
}

// LockRange is Lock for every cached key in [begin, end).
func (lc *Cache) LockRange(begin, end string) []chan<- struct{} {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	var ret []chan<- struct{}
	for k, lk := range lc.entries {
		if inRange(k, begin, end) {
			wc := make(chan struct{})
			lk.waitc = wc
			ret = append(ret, wc)
		}
	}
	return ret
}

// LockWriteOps locks every cached key the write operations touch.
func (lc *Cache) LockWriteOps(ops []Op) (ret []chan<- struct{}) {
	for _, op := range ops {
		if op.End == "" {
			if wc, _ := lc.Lock(op.Key); wc != nil {
				ret = append(ret, wc)
			}
			continue
		}
		for k := range lc.entries { // race: a ranges lc.entries without lc.mu, Add and Evict write it under lc.mu
			if !inRange(k, op.Key, op.End) {
				continue
			}
			if wc, _ := lc.Lock(k); wc != nil {
				ret = append(ret, wc)
			}
		}
	}
	return ret
}

func inRange(k, begin, end string) bool {
	return strings.Compare(k, begin) >= 0 && (end == "\x00" || strings.Compare(k, end) < 0)
}

func closedCh() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}
