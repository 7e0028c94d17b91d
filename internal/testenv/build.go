package testenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Programs that tests build (a gccgo probe, the command under test) are
// built once per test binary and shared by every test that asks for them:
// each in its own directory under one temporary directory, which Main
// removes when the tests end.
var builds struct {
	mu   sync.Mutex
	root string            // created on the first build
	n    int               // builds so far
	by   map[string]*built // by key
}

type built struct {
	once sync.Once
	path string
	err  error
}

// Build returns the program build makes, calling build once per test
// binary for each key (later calls, from any test, get the same path or the
// same error). build gets an empty directory of its own to write into and
// returns the program's path; a build error fails every test that asks.
// The test binary's TestMain must call Main, which removes what was built.
func Build(t testing.TB, key string, build func(dir string) (string, error)) string {
	t.Helper()
	builds.mu.Lock()
	if builds.by == nil {
		builds.by = map[string]*built{}
	}
	b := builds.by[key]
	if b == nil {
		b = &built{}
		builds.by[key] = b
	}
	builds.mu.Unlock()
	b.once.Do(func() {
		dir, err := buildDir()
		if err != nil {
			b.err = err
			return
		}
		b.path, b.err = build(dir)
	})
	if b.err != nil {
		t.Fatalf("building %s: %v", key, b.err)
	}
	return b.path
}

// buildDir makes a new build's directory.
func buildDir() (string, error) {
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if builds.root == "" {
		root, err := os.MkdirTemp("", "mapsafe-testbuild-")
		if err != nil {
			return "", err
		}
		builds.root = root
	}
	builds.n++
	dir := filepath.Join(builds.root, fmt.Sprint(builds.n))
	return dir, os.Mkdir(dir, 0o755)
}

// GoBuild returns a program built from pkg (a package path or a directory
// relative to the test's, such as "." or "./testdata/probe") with
// "go build flags -o ...", once per test binary (see Build). With
// -compiler=gccgo among the flags it needs gccgo (see Gccgo).
func GoBuild(t testing.TB, pkg string, flags ...string) string {
	t.Helper()
	if slices.Contains(flags, "-compiler=gccgo") {
		Gccgo(t)
	}
	key := strings.Join(slices.Concat([]string{"go build"}, flags, []string{pkg}), " ")
	return Build(t, key, func(dir string) (string, error) {
		name := filepath.Base(pkg)
		if strings.HasPrefix(pkg, ".") {
			abs, err := filepath.Abs(pkg)
			if err != nil {
				return "", err
			}
			name = filepath.Base(abs)
		}
		bin := filepath.Join(dir, name)
		args := slices.Concat([]string{"build"}, flags, []string{"-o", bin, pkg})
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return bin, statSources(pkg)
	})
}

// statSources stats the Go files of pkg and of the non-standard packages
// it imports. go test caches a test's result keyed by the files the test
// opened or stat'ed; a test that runs a program it built sees none of that
// program's sources otherwise, and a change to them (the analysis engine
// under cmd/mapvet) would replay a stale "ok".
func statSources(pkg string) error {
	out, err := exec.Command("go", "list", "-deps", "-f",
		`{{if not .Standard}}{{range .GoFiles}}{{$.Dir}}/{{.}}{{"\n"}}{{end}}{{range .EmbedFiles}}{{$.Dir}}/{{.}}{{"\n"}}{{end}}{{end}}`, pkg).Output()
	if err != nil {
		return fmt.Errorf("go list -deps %s: %v", pkg, err)
	}
	for _, f := range strings.Fields(string(out)) {
		if _, err := os.Stat(f); err != nil {
			return err
		}
	}
	return nil
}

// Main runs the tests, removes what Build built and exits: a TestMain
// that has nothing else to do is func TestMain(m *testing.M) { testenv.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if err := RemoveBuilds(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// RemoveBuilds removes what Build built, for a TestMain that cannot use
// Main (it must do more before exiting).
func RemoveBuilds() error {
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if builds.root == "" {
		return nil
	}
	err := os.RemoveAll(builds.root)
	builds.root = ""
	if err != nil {
		return errors.New("testenv: removing the test builds: " + err.Error())
	}
	return nil
}
