// Package lockunlock is modeled on godropbox's container/concurrent map:
// Set takes the write lock and releases it on the next line (an Unlock
// that was meant to be deferred), so the write that follows runs without
// the lock every other method holds.
//
// Report: https://github.com/dropbox/godropbox/pull/172
package lockunlock

import "sync"

// Map is a map safe for concurrent use.
type Map interface {
	Get(key any) (value any, found bool)
	Set(key, value any)
	Delete(key any)
	Len() int
	Keys() []any
}

type mapImp struct {
	lock sync.RWMutex
	m    map[any]any
}

// NewMap returns an empty concurrent map.
func NewMap() Map {
	return &mapImp{m: make(map[any]any)}
}

func (p *mapImp) Get(key any) (value any, found bool) {
	p.lock.RLock()
	defer p.lock.RUnlock()
	value, found = p.m[key]
	return value, found
}

func (p *mapImp) Set(key, value any) {
	p.lock.Lock()
	p.lock.Unlock()
	p.m[key] = value // race: a write after the lock was released (Unlock not deferred)
}

func (p *mapImp) Delete(key any) {
	p.lock.Lock()
	defer p.lock.Unlock()
	delete(p.m, key)
}

func (p *mapImp) Len() int {
	p.lock.RLock()
	defer p.lock.RUnlock()
	return len(p.m)
}

func (p *mapImp) Keys() []any {
	p.lock.RLock()
	defer p.lock.RUnlock()
	keys := make([]any, 0, len(p.m))
	for k := range p.m {
		keys = append(keys, k)
	}
	return keys
}
