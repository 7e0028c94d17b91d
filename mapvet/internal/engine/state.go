package engine

import "github.com/mapsafe/mapsafe/mapvet/internal/ref"

// state is the dataflow fact at one program point of one function.
//
// locks is a must-set (held on every path to here); the rest are may-sets
// (true on some path). Deferred calls are tracked in registration order so
// that a later `defer mu.Unlock()` or `defer wg.Wait()` is known to run
// before an earlier deferred call (defers run last-in, first-out):
//
//	pending[d]      d has been deferred
//	uncovered[d]    goroutines that no deferred join registered after d waits for
//	released[d]     locks that a deferred unlock registered after d releases
//	dunlocks        locks released by any deferred call
//
// nils is a must-set of path conditions: maps found nil by a comparison
// that this point can only be reached after (`if t.m == nil { t.build() }`);
// facts and condLocks follow locks taken under a condition (condlock.go).
// These slices, like locks, are never modified in place.
type state struct {
	live      bool
	locks     LockSet
	nils      []ref.Ref
	facts     []fact
	condLocks []condLock
	running   bits
	pending   bits
	uncovered []bits
	released  [][]ref.Ref
	dunlocks  []ref.Ref
}

func (s *state) clone() *state {
	c := *s
	c.uncovered = append([]bits(nil), s.uncovered...)
	c.released = append([][]ref.Ref(nil), s.released...)
	return &c
}

// join merges t into s (s is modified) and reports whether s changed.
func (s *state) join(t *state) bool {
	if !t.live {
		return false
	}
	if !s.live {
		*s = *t.clone()
		return true
	}
	changed := false
	if cl := joinCondLocks(s, t); !equalCondLocks(cl, s.condLocks) {
		s.condLocks, changed = cl, true
	}
	if f := intersectFacts(s.facts, t.facts); len(f) != len(s.facts) {
		s.facts, changed = f, true
	}
	if l := s.locks.Intersect(t.locks); !l.Equal(s.locks) {
		s.locks, changed = l, true
	}
	if n := intersectRefs(s.nils, t.nils); len(n) != len(s.nils) {
		s.nils, changed = n, true
	}
	if r := s.running.or(t.running); !r.equal(s.running) {
		s.running, changed = r, true
	}
	if p := s.pending.or(t.pending); !p.equal(s.pending) {
		s.pending, changed = p, true
	}
	for len(s.uncovered) < len(t.uncovered) {
		s.uncovered = append(s.uncovered, nil)
	}
	for i, u := range t.uncovered {
		if x := s.uncovered[i].or(u); !x.equal(s.uncovered[i]) {
			s.uncovered[i], changed = x, true
		}
	}
	for len(s.released) < len(t.released) {
		s.released = append(s.released, nil)
	}
	for i, r := range t.released {
		if x, c := unionRefs(s.released[i], r); c {
			s.released[i], changed = x, true
		}
	}
	if x, c := unionRefs(s.dunlocks, t.dunlocks); c {
		s.dunlocks, changed = x, true
	}
	return changed
}

func unionRefs(a, b []ref.Ref) ([]ref.Ref, bool) {
	changed := false
	for _, r := range b {
		if !containsRef(a, r) {
			a = append(append([]ref.Ref(nil), a...), r)
			changed = true
		}
	}
	return a, changed
}

func containsRef(rs []ref.Ref, r ref.Ref) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// intersectRefs returns the Refs in both a and b (a itself when that is all of a).
func intersectRefs(a, b []ref.Ref) []ref.Ref {
	var out []ref.Ref
	for _, r := range a {
		if containsRef(b, r) {
			out = append(out, r)
		}
	}
	if len(out) == len(a) {
		return a
	}
	return out
}

func intersects(a, b []ref.Ref) bool {
	for _, x := range a {
		if containsRef(b, x) {
			return true
		}
	}
	return false
}
