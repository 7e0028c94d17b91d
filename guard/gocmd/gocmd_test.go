package gocmd

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mapsafe/mapsafe/guard/internal/fakegoroot"
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
		{"build", []string{"-C=dir", "-v", "."}, []string{"-C", "dir", "-overlay=OV", "-v", "."}, "", ""},
		{"build", []string{"-overlay", "mine.json", "-trimpath", "."}, []string{"-overlay=OV", "-trimpath", "."}, "mine.json", ""},
		{"build", []string{"-o", "out", "-overlay=mine.json", "."}, []string{"-overlay=OV", "-o", "out", "."}, "mine.json", ""},
		{"build", []string{"-compiler", "gccgo", "."}, []string{"-overlay=OV", "-compiler", "gccgo", "."}, "", "gccgo"},
		{"build", []string{"--compiler=gc", "."}, []string{"-overlay=OV", "--compiler=gc", "."}, "", "gc"},
		// run: arguments after the package are the program's.
		{"run", []string{".", "-overlay", "x", "-strict"}, []string{"-overlay=OV", ".", "-overlay", "x", "-strict"}, "", ""},
		// test: flags may follow packages; -args ends them.
		{"test", []string{"./...", "-run", "X", "-overlay=o.json", "-args", "-overlay=p", "-strict"}, []string{"-overlay=OV", "./...", "-run", "X", "-args", "-overlay=p", "-strict"}, "o.json", ""},
		{"test", []string{"-test.count", "2", "."}, []string{"-overlay=OV", "-test.count", "2", "."}, "", ""},
		{"overlay", []string{"-C", "dir", "-overlay", "mine.json"}, []string{"-C", "dir", "-overlay=OV"}, "mine.json", ""},
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
	for _, bad := range []struct {
		verb string
		args []string
		want string
	}{
		{"build", []string{"-race", "-C", "dir"}, "-C must be the first go flag"},
		{"build", []string{"-o"}, "flag -o needs a value"},
		{"build", []string{"-strict", "."}, "-strict after the command is not a go flag: mapguard's flags go before it (mapguard -strict build ...)"},
		{"install", []string{"--strict=true", "."}, "(mapguard -strict install ...)"},
		{"test", []string{".", "-strict"}, "to pass -strict to the test binary, put it after -args"},
		{"overlay", []string{"./..."}, "mapguard overlay takes no packages"},
		{"overlay", []string{"-tags", "x"}, "mapguard overlay takes only -C dir and -overlay file, not -tags"},
	} {
		if _, err := parseGoArgs(bad.verb, bad.args); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("parseGoArgs(%s %q): %v, want %q", bad.verb, bad.args, err, bad.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		opt  options
		rest []string
	}{
		{[]string{"build", "-v", "."}, options{}, []string{"build", "-v", "."}},
		{[]string{"-strict", "-v", "test"}, options{strict: true, strictSet: true, verbose: true}, []string{"test"}},
		{[]string{"--strict=false", "run", "."}, options{strictSet: true}, []string{"run", "."}},
		{[]string{"-v=1", "--", "-weird"}, options{verbose: true}, []string{"-weird"}},
	} {
		opt, rest, err := parseFlags(tc.args)
		if err != nil || opt != tc.opt || !reflect.DeepEqual(rest, tc.rest) {
			t.Errorf("parseFlags(%q) = %+v, %q, %v; want %+v, %q", tc.args, opt, rest, err, tc.opt, tc.rest)
		}
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"-x", "build", "."}, "flag provided but not defined: -x (mapguard's own flags, before the command, are -strict and -v; go's flags go after the command: mapguard build -x ...)"},
		{[]string{"-race", "test", "./..."}, "go's flags go after the command: mapguard test -race ..."},
		{[]string{"-strict=maybe", "build"}, `invalid value "maybe" for -strict`},
	} {
		if _, _, err := parseFlags(bad.args); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("parseFlags(%q): %v, want %q", bad.args, err, bad.want)
		}
	}
	if _, _, err := parseFlags([]string{"-h"}); err != errHelp {
		t.Errorf("parseFlags(-h): %v", err)
	}
}

// MAPGUARD_STRICT takes what strconv.ParseBool takes, and nothing else.
func TestStrictFromEnv(t *testing.T) {
	for v, want := range map[string]bool{"": false, "1": true, "true": true, "TRUE": true, "t": true, "0": false, "false": false, "F": false} {
		t.Setenv("MAPGUARD_STRICT", v)
		if got, err := strictFromEnv(); err != nil || got != want {
			t.Errorf("MAPGUARD_STRICT=%q: %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"yes", "on", "2", " 1"} {
		t.Setenv("MAPGUARD_STRICT", v)
		if _, err := strictFromEnv(); err == nil || !strings.Contains(err.Error(), "is not a boolean") {
			t.Errorf("MAPGUARD_STRICT=%q: %v, want a refusal", v, err)
		}
	}
	// Through Run: a usage error before anything is prepared.
	t.Setenv("MAPGUARD_CACHE", filepath.Join(t.TempDir(), "cache"))
	t.Setenv("MAPGUARD_STRICT", "yes")
	if _, _, err := run("overlay"); code(err) != 2 || !strings.Contains(err.Error(), `MAPGUARD_STRICT="yes" is not a boolean`) {
		t.Errorf("MAPGUARD_STRICT=yes mapguard overlay: %v", err)
	}
	if out, _, err := run("-strict=false", "overlay"); err != nil || !strings.Contains(out, "-default-") {
		t.Errorf("-strict=false overrides MAPGUARD_STRICT: %v, %s", err, out)
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
	_, _, err := run("vet", ".")
	if code(err) != 2 || !strings.Contains(err.Error(), `unknown command "vet"`) {
		t.Errorf("mapguard vet: %v", err)
	}
	for _, verb := range []string{"build", "test", "run", "install", "overlay", "check", "clean", "help"} {
		if err == nil || !strings.Contains(err.Error(), " "+verb) {
			t.Errorf("the unknown-command message does not list %s: %v", verb, err)
		}
	}
	if _, _, err := run(); code(err) != 2 {
		t.Errorf("mapguard: %v", err)
	}
	if _, _, err := run("-nope", "build"); code(err) != 2 || !strings.Contains(err.Error(), "mapguard build -nope") {
		t.Errorf("mapguard -nope: %v", err)
	}
	if _, _, err := run("build", "-strict", "."); code(err) != 2 || !strings.Contains(err.Error(), "mapguard -strict build") {
		t.Errorf("mapguard build -strict: %v", err)
	}
	if out, _, err := run("help"); err != nil || !strings.Contains(out, "-strict") {
		t.Errorf("mapguard help: %v\n%s", err, out)
	}
	if _, _, err := run("check", "extra"); code(err) != 2 || !strings.Contains(err.Error(), "mapguard check takes no arguments") {
		t.Errorf("mapguard check extra: %v", err)
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

// installed returns GOROOT and GOVERSION of the installed go command.
func installed(t *testing.T) (string, string) {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(out))
	return f[0], f[1]
}

// TestRefusalsBuildNothing points the go command (GOROOT, and GOMODCACHE
// for a toolchain in the module cache) at copies of the installed source
// that mapguard must refuse: a release it does not support, found up front
// from GOROOT/VERSION although its source is the supported one's, and a
// supported release whose runtime changed, found by the anchors. Each
// command exits 1 with an error that says why, creates no cache (no mirror
// either), and builds nothing. So does mapguard overlay for a toolchain in
// the module cache, which no overlay can patch.
func TestRefusalsBuildNothing(t *testing.T) {
	real, version := installed(t)
	retyped := map[string]func(string) string{
		"src/internal/runtime/maps/map.go": func(s string) string { return strings.Replace(s, "\twriting uint8\n", "\twriting uint16\n", 1) },
	}
	anchor := version + ": "
	for _, tc := range []struct {
		name  string
		make  func(t *testing.T) (goroot, modcache string)
		verbs []string
		want  []string
	}{
		{"go1.25.0 in the module cache", func(t *testing.T) (string, string) {
			return fakegoroot.InModCache(t, real, "go1.25.0", nil)
		}, []string{"build", "overlay", "check"}, []string{"mapguard supports Go 1.26 and 1.27; this is go1.25.0"}},
		{"go1.23.0", func(t *testing.T) (string, string) {
			return fakegoroot.Make(t, t.TempDir(), real, "go1.23.0", nil), ""
		}, []string{"build", "check"}, []string{"mapguard supports Go 1.26 and 1.27; this is go1.23.0"}},
		{"changed runtime", func(t *testing.T) (string, string) {
			return fakegoroot.Make(t, t.TempDir(), real, version, retyped), ""
		}, []string{"build", "overlay", "check"}, []string{anchor, "anchor: type Map struct { ... writing uint8 ... }", "builds nothing"}},
		{"changed runtime in the module cache", func(t *testing.T) (string, string) {
			return fakegoroot.InModCache(t, real, version, retyped)
		}, []string{"build", "test"}, []string{anchor, "builds nothing"}},
		{"overlay of a toolchain in the module cache", func(t *testing.T) (string, string) {
			return fakegoroot.InModCache(t, real, version, nil)
		}, []string{"overlay"}, []string{"is in the module cache", "no overlay can patch it; run GOTOOLCHAIN=local mapguard build (or test, run, install) instead"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			goroot, modcache := tc.make(t)
			t.Setenv("GOROOT", goroot)
			t.Setenv("GOTOOLCHAIN", "local")
			if modcache != "" {
				t.Setenv("GOMODCACHE", modcache)
			}
			cache := filepath.Join(t.TempDir(), "cache")
			t.Setenv("MAPGUARD_CACHE", cache)
			for _, verb := range tc.verbs {
				exe := filepath.Join(t.TempDir(), "prog")
				args := []string{verb}
				if verb == "build" {
					args = append(args, "-o", exe, ".")
				}
				_, _, err := run(args...)
				if code(err) != 1 {
					t.Fatalf("mapguard %s: %v, want exit 1", verb, err)
				}
				for _, want := range tc.want {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("mapguard %s: %v\nwant %q", verb, err, want)
					}
				}
				for _, p := range []string{exe, cache} {
					if _, err := os.Stat(p); !os.IsNotExist(err) {
						t.Errorf("mapguard %s: %s exists after a refusal", verb, p)
					}
				}
			}
		})
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
	if out, _, err := run("clean"); err != nil || out != "removed "+root+"\n" {
		t.Fatalf("mapguard clean: %v\n%s", err, out)
	}
	if _, err := os.Stat(root); err == nil {
		t.Errorf("%s survived mapguard clean", root)
	}
	if out, _, err := run("clean"); err != nil || out != "no cache at "+root+": nothing to remove\n" {
		t.Errorf("mapguard clean without a cache: %v\n%s", err, out)
	}
}

// A go command killed by a signal makes mapguard exit as a shell reports
// it: 128+n (141 for SIGPIPE), not 255.
func TestChildExit(t *testing.T) {
	for _, tc := range []struct {
		script string
		want   int
	}{
		{"exit 0", 0},
		{"exit 3", 3},
		{"kill -PIPE $$", 141},
		{"kill -TERM $$", 143},
	} {
		err := exec.Command("sh", "-c", tc.script).Run()
		var ee *exec.ExitError
		got := 0
		if errors.As(err, &ee) {
			got = code(childExit(ee.ProcessState))
		} else if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("sh -c %q: mapguard would exit %d, want %d", tc.script, got, tc.want)
		}
	}
}
