package mapprobe

import (
	"bytes"
	"strings"
	"testing"
)

// The experiments that do not race run in this process on gc; each prints
// the implementation first and only "name: value" lines. (race-no-growth
// kills its process; lab/claims runs it, and all of them on gccgo, in child
// processes.)
func TestExperimentsPrintFigures(t *testing.T) {
	for _, e := range All {
		if e.Name == "race-no-growth" {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			var out bytes.Buffer
			if err := e.Run(&out); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if lines[0] != "impl: swiss" {
				t.Errorf("first line %q, want impl: swiss", lines[0])
			}
			for _, l := range lines {
				if name, _, ok := strings.Cut(l, ": "); !ok || name == "" {
					t.Errorf("line %q is not a figure", l)
				}
			}
		})
	}
}

func TestLookup(t *testing.T) {
	for _, n := range Names() {
		if e, ok := Lookup(n); !ok || e.Name != n || e.Claim == "" {
			t.Errorf("Lookup(%q) = %+v, %v", n, e, ok)
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup found an unknown experiment")
	}
}

func TestLongKeys(t *testing.T) {
	ks := longKeys(3, 64)
	if len(ks) != 3 || len(ks[0]) != 64 || ks[0][:56] != ks[2][:56] || ks[0] == ks[1] {
		t.Fatalf("longKeys = %q", ks)
	}
}
