package engine

import (
	"slices"
	"testing"

	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
)

func members(b bits) []int {
	var out []int
	b.each(func(i int) { out = append(out, i) })
	return out
}

func TestBits(t *testing.T) {
	var b bits
	b = b.with(3).with(70).with(3)
	if got := members(b); !slices.Equal(got, []int{3, 70}) {
		t.Fatalf("with: %v", got)
	}
	if !b.has(70) || b.has(4) || b.has(1000) {
		t.Errorf("has: wrong membership in %v", members(b))
	}
	c := bits(nil).with(3).with(5)
	if got := members(b.or(c)); !slices.Equal(got, []int{3, 5, 70}) {
		t.Errorf("or: %v", got)
	}
	if got := members(b.and(c)); !slices.Equal(got, []int{3}) {
		t.Errorf("and: %v", got)
	}
	if got := members(b.minus(c)); !slices.Equal(got, []int{70}) {
		t.Errorf("minus: %v", got)
	}
	// Sets of different lengths with the same members are equal.
	if !bits(nil).with(3).equal(bits(nil).with(3).with(100).minus(bits(nil).with(100))) {
		t.Error("equal: trailing zero words count")
	}
	if got := members(all(3)); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("all(3): %v", got)
	}
	// Operations do not modify their operands.
	d := bits(nil).with(1)
	_ = d.with(2)
	_ = d.or(bits(nil).with(9))
	if got := members(d); !slices.Equal(got, []int{1}) {
		t.Errorf("operand modified: %v", got)
	}
}

var (
	mu  = ref.Ref{Kind: ref.Param, Index: 0, Path: "*.mu&"}
	mu2 = ref.Ref{Kind: ref.Global, Var: "p.mu", Path: "&"}
)

func TestLockSet(t *testing.T) {
	var s LockSet
	s = s.With(Held{Lock: mu, Shared: true}).With(Held{Lock: mu2})
	if h, ok := s.Find(mu); !ok || !h.Shared || len(s) != 2 {
		t.Fatalf("With/Find: %+v", s)
	}
	s = s.With(Held{Lock: mu}) // re-locked exclusively
	if h, _ := s.Find(mu); h.Shared || len(s) != 2 {
		t.Errorf("With replaces the entry: %+v", s)
	}
	if w := s.Without(mu2); len(w) != 1 || len(s) != 2 {
		t.Errorf("Without: %+v (from %+v)", w, s)
	}

	// Must-set meet: held on both paths; shared on one side is shared.
	a := LockSet{{Lock: mu}, {Lock: mu2}}
	b := LockSet{{Lock: mu, Shared: true}}
	if m := a.Intersect(b); len(m) != 1 || !m[0].Shared {
		t.Errorf("Intersect: %+v", m)
	}
	// A caller's locks plus a callee's: exclusive on either side wins.
	if u := b.Union(a); len(u) != 2 {
		t.Errorf("Union: %+v", u)
	} else if h, _ := u.Find(mu); h.Shared {
		t.Errorf("Union keeps the shared mode of mu: %+v", u)
	}
	if !a.Equal(LockSet{{Lock: mu2}, {Lock: mu}}) || a.Equal(b) {
		t.Error("Equal ignores order and compares modes")
	}
	if !a.Exclusive() || b.Exclusive() {
		t.Error("Exclusive")
	}
	// Two readers do not exclude each other; a reader and a writer do.
	if Excludes(b, b) || !Excludes(a, b) || Excludes(a, LockSet{}) {
		t.Error("Excludes")
	}
}

func TestStateJoin(t *testing.T) {
	s := &state{live: true, locks: LockSet{{Lock: mu}, {Lock: mu2}}, running: bits(nil).with(0)}
	u := &state{live: true, locks: LockSet{{Lock: mu}}, running: bits(nil).with(1)}
	if !s.join(u) {
		t.Fatal("join reported no change")
	}
	if len(s.locks) != 1 || s.locks[0].Lock != mu {
		t.Errorf("locks are a must-set: %+v", s.locks)
	}
	if got := members(s.running); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("running is a may-set: %v", got)
	}
	if s.join(u) {
		t.Error("joining the same state twice changed it")
	}
	if s.join(&state{}) {
		t.Error("a dead state changed the join")
	}
	var dead state
	if !dead.join(u) || !dead.locks.Equal(u.locks) {
		t.Error("joining into an unreached state copies the other")
	}
}
