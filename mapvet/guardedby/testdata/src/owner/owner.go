// Package owner guards an exported map with an exported mutex.
package owner

import "sync"

type Registry struct {
	Mu    sync.Mutex
	Items map[string]int
}

func (r *Registry) Add(k string) {
	r.Mu.Lock()
	r.Items[k]++
	r.Mu.Unlock()
}

func (r *Registry) Remove(k string) {
	r.Mu.Lock()
	delete(r.Items, k)
	r.Mu.Unlock()
}

func (r *Registry) Get(k string) int {
	r.Mu.Lock()
	defer r.Mu.Unlock()
	return r.Items[k]
}

// Annotate writes the map without the lock its methods take.
func Annotate(r *Registry, k string) {
	r.Items[k] = 1 // want `write to r.Items without r.Mu, which guards it`
}

// AnnotateLocked is named for callers that hold Mu: it counts in their
// contexts, and is not reported itself.
func AnnotateLocked(r *Registry, k string) { r.Items[k] = 2 }
