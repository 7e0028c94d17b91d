package ref

import (
	"slices"
	"testing"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"*.m&*":   "*.m", // load of a field address just taken
		"&*":      "",
		"*&.f":    ".f",
		"*.a&*.b": "*.a.b",
		"[]&*":    "[]",
		"*.m":     "*.m",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPathQueries(t *testing.T) {
	s := Ref{Kind: Param, Index: 0}
	m := s.Append("*.m&").Append("*")
	mu := s.Append("*.mu&")
	if m.Path != "*.m" {
		t.Fatalf("Append: %q", m.Path)
	}
	if m.LastField() != "m" || mu.LastField() != "mu" {
		t.Errorf("LastField: %q %q", m.LastField(), mu.LastField())
	}
	if !mu.Beside(m) || !m.Beside(mu) {
		t.Error("s.mu and s.m are beside each other")
	}
	other := Ref{Kind: Param, Index: 1}.Append("*.m")
	nested := s.Append("*.inner.m")
	if mu.Beside(other) || mu.Beside(nested) {
		t.Error("a field of another struct value is not beside s.mu")
	}
	if m.InElement() || !s.Append("*.list[]*.m").InElement() {
		t.Error("InElement")
	}
	g := Ref{Kind: Global, Var: "example.com/a/b.cache"}
	if g.Package() != "example.com/a/b" || m.Package() != "" {
		t.Errorf("Package: %q", g.Package())
	}
	if !g.Portable() || !m.Portable() || (Ref{Kind: Local}).Portable() {
		t.Error("Portable")
	}
}

func TestRender(t *testing.T) {
	r := Ref{Kind: Param, Index: 0, Path: "*.conns[]*.m"}
	if got := r.Render("s"); got != "s.conns[...].m" {
		t.Errorf("Render = %q", got)
	}
	if got := r.Name(nil); got != "parameter 0.conns[...].m" {
		t.Errorf("Name without a function = %q", got)
	}
}

func TestSubst(t *testing.T) {
	callee := Ref{Kind: Param, Index: 1, Path: "*.m"}
	a := Ref{Kind: Global, Var: "p.a"}
	b := Ref{Kind: Global, Var: "p.b"}
	params := [][]Ref{nil, {a, b}}
	got := Subst(callee, params, nil)
	want := []Ref{{Kind: Global, Var: "p.a", Path: "*.m"}, {Kind: Global, Var: "p.b", Path: "*.m"}}
	if !slices.Equal(got, want) {
		t.Errorf("Subst = %v, want %v", got, want)
	}
	if got := Subst(Ref{Kind: Param, Index: 0}, params, nil); len(got) != 0 {
		t.Errorf("a parameter the caller cannot name: %v", got)
	}
	if got := Subst(Ref{Kind: FreeVar, Index: 3}, params, nil); got != nil {
		t.Errorf("an out-of-range free variable: %v", got)
	}
	if got := Subst(a, params, nil); !slices.Equal(got, []Ref{a}) {
		t.Errorf("a global is its own name in every function: %v", got)
	}
	// The appended path is normalised: the caller passes &x, the callee loads it.
	addr := Ref{Kind: Global, Var: "p.x", Path: "&"}
	if got := Subst(Ref{Kind: Param, Index: 0, Path: "*.f"}, [][]Ref{{addr}}, nil); len(got) != 1 || got[0].Path != ".f" {
		t.Errorf("Subst through an address: %v", got)
	}
}
