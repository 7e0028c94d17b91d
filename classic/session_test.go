package classic

import (
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/classic/op"
)

func TestSessionApply(t *testing.T) {
	m, err := New[int, int](0, Config[int]{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &Session{Map: m, Make: func(hint int) (*Map[int, int], error) { return New[int, int](hint, Config[int]{}, nil) }}
	apply := func(o op.Op) Result {
		t.Helper()
		r, err := s.Apply(o)
		if err != nil {
			t.Fatalf("%v: %v", o, err)
		}
		return r
	}
	apply(op.Op{Kind: op.Insert, Key: 1, Val: 10})
	apply(op.Op{Kind: op.Insert, Key: 2, Val: 20})
	if r := apply(op.Op{Kind: op.Lookup, Key: 2}); !r.Found || r.Val != 20 {
		t.Fatalf("lookup 2: %+v", r)
	}
	if r := apply(op.Op{Kind: op.Lookup, Key: 3}); r.Found {
		t.Fatalf("lookup 3: %+v", r)
	}
	seen := map[int]int{}
	for r := apply(op.Op{Kind: op.IterStart}); r.Found; r = apply(op.Op{Kind: op.IterNext}) {
		seen[r.Key] = r.Val
	}
	if len(seen) != 2 || seen[1] != 10 || seen[2] != 20 {
		t.Fatalf("range returned %v", seen)
	}
	apply(op.Op{Kind: op.IterEnd})
	apply(op.Op{Kind: op.Delete, Key: 1})
	if m.Len() != 1 {
		t.Fatalf("len %d after delete", m.Len())
	}
	apply(op.Op{Kind: op.Clear})
	if m.Len() != 0 {
		t.Fatalf("len %d after clear", m.Len())
	}
	apply(op.Op{Kind: op.Make, Key: 100})
	if s.Map == m || s.Map.B() != 4 {
		t.Fatalf("make(map, 100): same map %v, B=%d", s.Map == m, s.Map.B())
	}
}

// Operations that cannot run are refused with the reason, and change
// nothing.
func TestSessionRefuses(t *testing.T) {
	m, err := New[int, int](0, Config[int]{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &Session{Map: m}
	for _, c := range []struct {
		o    op.Op
		want string
	}{
		{op.Op{Kind: op.IterNext}, "no range is open"},
		{op.Op{Kind: op.IterEnd}, "no range is open"},
		{op.Op{Kind: op.Make, Key: 8}, "not supported here"},
		{op.Op{Kind: 'x'}, "unknown operation"},
	} {
		if _, err := s.Apply(c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error saying %q", c.o, err, c.want)
		}
	}
	if s.Map != m || m.Len() != 0 {
		t.Fatal("a refused operation changed the session")
	}
}
