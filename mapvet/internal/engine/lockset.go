package engine

import (
	"go/token"

	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
)

// Held is a lock held in one mode.
type Held struct {
	Lock    ref.Ref     // the mutex (its address)
	TypeKey ref.TypeKey // the mutex at the type level, "" if none
	Shared  bool        // held by RLock
	Name    string      // as the program spells it at the Lock call
	At      token.Pos   // the Lock call (in a callee that locks for its caller: there)
}

// LockSet is a small set of held locks, at most one entry per lock.
type LockSet []Held

// Find returns the entry for lock r.
func (s LockSet) Find(r ref.Ref) (Held, bool) {
	for _, h := range s {
		if h.Lock == r {
			return h, true
		}
	}
	return Held{}, false
}

// With returns s with h added (replacing an entry for the same lock).
func (s LockSet) With(h Held) LockSet {
	out := make(LockSet, 0, len(s)+1)
	for _, x := range s {
		if x.Lock != h.Lock {
			out = append(out, x)
		}
	}
	return append(out, h)
}

// Without returns s without lock r.
func (s LockSet) Without(r ref.Ref) LockSet {
	if _, ok := s.Find(r); !ok {
		return s
	}
	out := make(LockSet, 0, len(s))
	for _, x := range s {
		if x.Lock != r {
			out = append(out, x)
		}
	}
	return out
}

// Intersect returns the locks held in both s and t. A lock held shared in
// one and exclusively in the other is held shared.
func (s LockSet) Intersect(t LockSet) LockSet {
	var out LockSet
	for _, x := range s {
		if y, ok := t.Find(x.Lock); ok {
			x.Shared = x.Shared || y.Shared
			out = append(out, x)
		}
	}
	return out
}

// Union returns the locks held in s or t (used to add the locks a caller
// holds to those a callee takes).
func (s LockSet) Union(t LockSet) LockSet {
	out := append(LockSet(nil), s...)
	for _, y := range t {
		if x, ok := out.Find(y.Lock); ok {
			if x.Shared && !y.Shared {
				out = out.With(y)
			}
			continue
		}
		out = append(out, y)
	}
	return out
}

// Equal reports whether s and t hold the same locks in the same modes.
func (s LockSet) Equal(t LockSet) bool {
	if len(s) != len(t) {
		return false
	}
	for _, x := range s {
		if y, ok := t.Find(x.Lock); !ok || y.Shared != x.Shared {
			return false
		}
	}
	return true
}

// Exclusive reports whether some lock in s is held exclusively.
func (s LockSet) Exclusive() bool {
	for _, h := range s {
		if !h.Shared {
			return true
		}
	}
	return false
}

// Excludes reports whether holding s on one side and t on the other keeps
// the two sides from running at the same time: some lock is held by both,
// and by at least one of them exclusively.
func Excludes(s, t LockSet) bool {
	for _, x := range s {
		if y, ok := t.Find(x.Lock); ok && (!x.Shared || !y.Shared) {
			return true
		}
	}
	return false
}
