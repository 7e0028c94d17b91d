package patch

import (
	"go/parser"
	"go/token"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/guard/toolchain"
	"github.com/mapsafe/mapsafe/internal/testenv"
)

// TestKinds fails if a kind has no name or no group in mapguard check's
// summary, or shares its name with another.
func TestKinds(t *testing.T) {
	names := map[string]bool{}
	for k := range numKinds {
		if kinds[k].name == "" || kinds[k].group == "" {
			t.Errorf("kind %d has no name or no group in kinds", k)
		}
		if names[k.String()] {
			t.Errorf("two kinds are named %s", k)
		}
		names[k.String()] = true
	}
}

// TestCount sums one site of every kind, and checks that each group is
// counted once, in the order of the kinds, and that strict mode's group is
// left out when no site has its kinds.
func TestCount(t *testing.T) {
	var sites []Site
	for k := range numKinds {
		sites = append(sites, Site{Kind: k})
	}
	got := Count(sites)
	total := 0
	var labels []string
	for _, tl := range got {
		total += tl.N
		labels = append(labels, tl.Label)
	}
	want := "write starts, write ends, fatal sites, iterator lookups, wrapper edits, runtime edits, stack frees, strict hooks"
	if total != len(sites) || strings.Join(labels, ", ") != want {
		t.Errorf("Count = %v, want %d sites in %s", got, len(sites), want)
	}
	for _, tl := range Count(sites[:StrictInit]) {
		if tl.Label == "strict hooks" {
			t.Errorf("Count without strict sites has %v", tl)
		}
	}
}

// TestDocFiles checks the package comment's list of the files the overlay
// adds and patches against what Generate makes, on both toolchains and in
// both modes.
func TestDocFiles(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, line := range strings.Split(f.Doc.Text(), "\n") {
		if fields := strings.Fields(line); len(fields) > 0 && strings.HasSuffix(fields[0], ".go") && strings.Contains(fields[0], "/") {
			listed = append(listed, fields[0])
		}
	}
	slices.Sort(listed)
	for _, env := range [][]string{nil, {testenv.GoToolchain(t, "go1.27.3")}} {
		root, version := goroot(t, env...)
		for _, strict := range []bool{false, true} {
			res, err := Generate(Options{Toolchain: toolchain.Toolchain{GOROOT: root, GoVersion: version, GOOS: runtime.GOOS, GOARCH: "amd64"}, Strict: strict})
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, f := range res.Files {
				paths = append(paths, f.Path)
			}
			if !slices.Equal(paths, listed) {
				t.Errorf("%s strict=%v: the overlay has %v; doc.go lists %v", version, strict, paths, listed)
			}
		}
	}
}
