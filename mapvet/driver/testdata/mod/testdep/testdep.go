// Package testdep's own code writes s.m under s.mu once: too little to
// infer that s.mu guards it. Its test writes it under s.mu again.
package testdep

import "sync"

type S struct {
	mu sync.Mutex
	m  map[string]int
}

func (s *S) Set(k string) {
	s.mu.Lock()
	s.m[k] = 1
	s.mu.Unlock()
}

func (s *S) Dump() {
	defer func() {
		for range s.m {
		}
	}()
	s.mu.Lock()
	s.mu.Unlock()
}
