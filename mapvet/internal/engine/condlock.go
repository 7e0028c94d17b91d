package engine

import (
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Locks taken under a condition. A function may lock only when it needs
// to, and touch the map under the same condition:
//
//	if canCache {
//		c.mu.Lock()
//		defer c.mu.Unlock()
//	}
//	...
//	if canCache {
//		c.m[k] = v // under c.mu on every path that gets here
//	}
//
// The must-set of locks drops c.mu where the two paths of the first if
// meet. The state also keeps
//
//	facts      boolean values known on every path here (v is true, or false),
//	           from the edges of `if v`;
//	condLocks  implications "if v is true (false), this lock is held".
//
// Where the paths meet, an implication holds when it holds on each path:
// the path has the lock and knows v, or knows v has the other value (then
// the implication says nothing about it). On the edge of `if v` that makes
// v true, the locks it implies are held again. A condition is an SSA value,
// so only the same value tested twice matches: a bool variable or
// parameter, not two evaluations of the same expression.

// fact is a boolean SSA value known to be pol.
type fact struct {
	v   ssa.Value
	pol bool
}

// condLock is the implication "v == pol => held is held".
type condLock struct {
	held Held
	fact
}

func hasFact(fs []fact, f fact) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

func intersectFacts(a, b []fact) []fact {
	var out []fact
	for _, f := range a {
		if hasFact(b, f) {
			out = append(out, f)
		}
	}
	if len(out) == len(a) {
		return a
	}
	return out
}

// implies reports whether s makes cl true.
func (s *state) implies(cl condLock) bool {
	if hasFact(s.facts, fact{cl.v, !cl.pol}) {
		return true
	}
	if hasFact(s.facts, cl.fact) {
		if h, ok := s.locks.Find(cl.held.Lock); ok && (!h.Shared || cl.held.Shared) {
			return true
		}
	}
	for _, x := range s.condLocks {
		if x.fact == cl.fact && x.held.Lock == cl.held.Lock && (!x.held.Shared || cl.held.Shared) {
			return true
		}
	}
	return false
}

// joinCondLocks returns the implications that hold on both s and t.
func joinCondLocks(s, t *state) []condLock {
	var cands []condLock
	add := func(cl condLock) {
		for _, x := range cands {
			if x.fact == cl.fact && x.held.Lock == cl.held.Lock && x.held.Shared == cl.held.Shared {
				return
			}
		}
		cands = append(cands, cl)
	}
	for _, u := range []*state{s, t} {
		for _, cl := range u.condLocks {
			add(cl)
		}
		for _, f := range u.facts {
			for _, h := range u.locks {
				add(condLock{h, f})
			}
		}
	}
	var out []condLock
	for _, cl := range cands {
		if s.implies(cl) && t.implies(cl) {
			out = append(out, cl)
		}
	}
	return out
}

func equalCondLocks(a, b []condLock) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if x.fact == y.fact && x.held.Lock == y.held.Lock && x.held.Shared == y.held.Shared {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// learn returns st on the edge that makes v == pol: the fact, and the
// locks it implies. When st knows v has the other value, no path takes the
// edge: the state is dead.
func learn(st *state, v ssa.Value, pol bool) *state {
	f := fact{v, pol}
	if hasFact(st.facts, f) {
		return st
	}
	if hasFact(st.facts, fact{v, !pol}) {
		return &state{}
	}
	out := st.clone()
	out.facts = append(append([]fact(nil), st.facts...), f)
	for _, cl := range st.condLocks {
		if cl.fact == f {
			if _, held := out.locks.Find(cl.held.Lock); !held {
				out.locks = out.locks.With(cl.held)
			}
		}
	}
	return out
}

// withoutCondLock returns cls without the implications about lock r (it
// was released).
func withoutCondLock(cls []condLock, r ref.Ref) []condLock {
	var out []condLock
	for _, cl := range cls {
		if cl.held.Lock != r {
			out = append(out, cl)
		}
	}
	if len(out) == len(cls) {
		return cls
	}
	return out
}
