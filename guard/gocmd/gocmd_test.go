package gocmd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mapsafe/mapsafe/guard/overlay"
	"github.com/mapsafe/mapsafe/internal/cli"
)

func TestParseGoArgs(t *testing.T) {
	for _, tc := range []struct {
		verb     string
		args     []string
		want     []string // after withOverlay("OV")
		overlay  string
		compiler string
	}{
		{"build", []string{"-o", "x", "."}, []string{"-overlay=OV", "-o", "x", "."}, "", ""},
		{"build", []string{"-C", "dir", "-race", "./..."}, []string{"-C", "dir", "-overlay=OV", "-race", "./..."}, "", ""},
		{"build", []string{"-overlay", "mine.json", "-trimpath", "."}, []string{"-overlay=OV", "-trimpath", "."}, "mine.json", ""},
		{"build", []string{"-o", "out", "-overlay=mine.json", "."}, []string{"-overlay=OV", "-o", "out", "."}, "mine.json", ""},
		{"build", []string{"-compiler", "gccgo", "."}, []string{"-overlay=OV", "-compiler", "gccgo", "."}, "", "gccgo"},
		// run: arguments after the package are the program's.
		{"run", []string{".", "-overlay", "x"}, []string{"-overlay=OV", ".", "-overlay", "x"}, "", ""},
		// test: flags may follow packages; -args ends them.
		{"test", []string{"./...", "-run", "X", "-overlay=o.json", "-args", "-overlay=p"}, []string{"-overlay=OV", "./...", "-run", "X", "-args", "-overlay=p"}, "o.json", ""},
	} {
		inv, err := parseGoArgs(tc.verb, tc.args)
		if err != nil {
			t.Errorf("%s %v: %v", tc.verb, tc.args, err)
			continue
		}
		if got := inv.withOverlay("OV"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %v: go args %q, want %q", tc.verb, tc.args, got, tc.want)
		}
		if inv.overlay != tc.overlay || inv.compiler != tc.compiler {
			t.Errorf("%s %v: overlay %q compiler %q", tc.verb, tc.args, inv.overlay, inv.compiler)
		}
	}
	for _, bad := range [][]string{{"-race", "-C", "dir"}, {"-o"}} {
		if _, err := parseGoArgs("build", bad); err == nil {
			t.Errorf("parseGoArgs(%q) accepted", bad)
		}
	}
}

func TestParseGOFLAGS(t *testing.T) {
	g := parseGOFLAGS("-mod=mod -overlay=/tmp/o.json --compiler=gc -trimpath")
	if g.overlay != "/tmp/o.json" || g.compiler != "gc" {
		t.Fatalf("parseGOFLAGS: %+v", g)
	}
}

func run(args ...string) (string, string, error) {
	var out, errb bytes.Buffer
	err := Run(cli.Env{Args: args, Stdout: &out, Stderr: &errb})
	return out.String(), errb.String(), err
}

func code(err error) int {
	var ee *cli.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestUsage(t *testing.T) {
	if _, stderr, err := run("vet", "."); code(err) != 2 || !strings.Contains(err.Error(), `unknown command "vet"`) || !strings.Contains(stderr, "usage: mapguard") {
		t.Errorf("mapguard vet: %v\n%s", err, stderr)
	}
	if _, _, err := run(); code(err) != 2 {
		t.Errorf("mapguard: %v", err)
	}
	if _, _, err := run("-nope", "build"); code(err) != 2 {
		t.Errorf("mapguard -nope: %v", err)
	}
	if out, _, err := run("help"); err != nil || !strings.Contains(out, "-strict") {
		t.Errorf("mapguard help: %v\n%s", err, out)
	}
}

func TestRefusesGccgo(t *testing.T) {
	t.Setenv("MAPGUARD_CACHE", t.TempDir())
	_, _, err := run("build", "-compiler=gccgo", ".")
	if code(err) != 1 || !strings.Contains(err.Error(), "-compiler=gccgo is not supported") {
		t.Fatalf("mapguard build -compiler=gccgo: %v", err)
	}
	t.Setenv("GOFLAGS", "-compiler=gccgo")
	_, _, err = run("build", ".")
	if code(err) != 1 || !strings.Contains(err.Error(), "-compiler=gccgo is not supported") {
		t.Fatalf("GOFLAGS=-compiler=gccgo mapguard build: %v", err)
	}
}

func TestCheck(t *testing.T) {
	out, _, err := run("check")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"runtime/mapguard.go\tadded", "runtime/runtime2.go\tpatched", "write-begin\t(*Map).Delete",
		"g-field\ttype g", "wrapper-call\tmapdelete", "9 write starts", "7 wrapper edits, 7 runtime edits, 6 stack frees"} {
		if !strings.Contains(out, want) {
			t.Errorf("mapguard check does not say %q:\n%s", want, out)
		}
	}
}

// TestRefusalBuildsNothing points the go command at a GOROOT whose map code
// mapguard does not know: mapguard exits 1 with an error naming the Go
// version and the anchor, creates no cache, and never runs the build.
func TestRefusalBuildsNothing(t *testing.T) {
	fake := t.TempDir()
	for _, d := range []string{"src/runtime", "src/internal/runtime/maps"} {
		if err := os.MkdirAll(filepath.Join(fake, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(fake, "src/internal/runtime/maps/map.go"), []byte("package maps\n\ntype Map struct{ used uint64 }\n"), 0o644)
	t.Setenv("GOROOT", fake)
	cache := filepath.Join(t.TempDir(), "cache")
	t.Setenv("MAPGUARD_CACHE", cache)
	exe := filepath.Join(t.TempDir(), "prog")
	_, _, err := run("build", "-o", exe, ".")
	if code(err) != 1 || !strings.Contains(err.Error(), "go1.") || !strings.Contains(err.Error(), "anchor: type Map struct { ... writing uint8 ... }") ||
		!strings.Contains(err.Error(), "builds nothing") {
		t.Fatalf("mapguard build with an unknown runtime: %v", err)
	}
	for _, p := range []string{exe, cache} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s exists after a refusal", p)
		}
	}
}

// A run marks the entry it uses and removes one that no run has used for
// overlay.TrimAge; clean removes the whole cache.
func TestCacheTrimAndClean(t *testing.T) {
	root := filepath.Join(t.TempDir(), "cache")
	t.Setenv("MAPGUARD_CACHE", root)
	stale := filepath.Join(root, "go1.26.8-linux_amd64-p1-default-000000000000")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-overlay.TrimAge - time.Hour)
	if err := os.Chtimes(stale, long, long); err != nil {
		t.Fatal(err)
	}

	out, stderr, err := run("-v", "overlay")
	if err != nil {
		t.Fatalf("mapguard -v overlay: %v\n%s", err, stderr)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("the stale entry %s survived a run", stale)
	}
	if !strings.Contains(stderr, "removed "+stale) {
		t.Errorf("-v does not report the removal:\n%s", stderr)
	}
	entry := filepath.Dir(strings.TrimSpace(out))
	info, err := os.Stat(entry)
	if err != nil {
		t.Fatalf("the overlay's entry: %v", err)
	}
	if time.Since(info.ModTime()) > time.Hour {
		t.Errorf("the entry in use was not marked: %v", info.ModTime())
	}

	if _, _, err := run("clean", "extra"); code(err) != 2 {
		t.Errorf("mapguard clean extra: %v, want a usage error", err)
	}
	if out, _, err := run("clean"); err != nil || !strings.Contains(out, "removed "+root) {
		t.Fatalf("mapguard clean: %v\n%s", err, out)
	}
	if _, err := os.Stat(root); err == nil {
		t.Errorf("%s survived mapguard clean", root)
	}
}
