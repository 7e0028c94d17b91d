package a

import "sync"

// The shape of etcd's leasing cache (etcd-io/etcd#22084): every method
// takes the cache's lock except one loop, which takes each entry's lock
// inside the iteration instead of the map's around it.
type entry struct {
	mu  sync.Mutex
	rev int
}

type leaseCache struct {
	mu      sync.RWMutex
	entries map[string]*entry
}

func (lc *leaseCache) Add(k string) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	lc.entries[k] = &entry{}
}

func (lc *leaseCache) Rev(k string) int {
	lc.mu.RLock()
	defer lc.mu.RUnlock()
	if e := lc.entries[k]; e != nil {
		return e.rev
	}
	return 0
}

func (lc *leaseCache) Delete(k string) {
	lc.mu.Lock()
	delete(lc.entries, k)
	lc.mu.Unlock()
}

func (lc *leaseCache) clearOldRevs(rev int) {
	for _, e := range lc.entries {
		e.mu.Lock()
		if e.rev < rev {
			e.rev = 0
		}
		e.mu.Unlock()
	}
}

func (lc *leaseCache) Compact(rev int) {
	lc.clearOldRevs(rev) // want `call to lc.clearOldRevs makes a range over lc.entries \(at lease.go:40\) without lc.mu, which guards it`
}
