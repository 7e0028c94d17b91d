package testdep

import "testing"

func reset(s *S) {
	s.mu.Lock()
	s.m["x"] = 2
	s.mu.Unlock()
}

func TestSet(t *testing.T) {
	s := &S{m: map[string]int{}}
	reset(s)
	s.Set("y")
}
