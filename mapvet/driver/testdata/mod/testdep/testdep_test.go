package testdep

import "testing"

func TestSet(t *testing.T) {
	s := &S{m: map[string]int{}}
	s.mu.Lock()
	s.m["x"] = 2
	s.mu.Unlock()
}
