// Package reglib is a registry that takes its own lock in every method.
package reglib

import "sync"

type Registry struct {
	mu sync.Mutex
	m  map[int]string
}

func New() *Registry { return &Registry{m: map[int]string{}} }

func (r *Registry) Add(id int, s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[id] = s
}

func (r *Registry) Remove(id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.m[id]; ok {
		delete(r.m, id)
	}
}

// Names ranges over the registry under its lock.
func (r *Registry) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.m {
		out = append(out, s)
	}
	return out
}
