package testenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

// Build calls its build function once per key; every caller gets the same
// path, in a directory of its own.
func TestBuildOnce(t *testing.T) {
	calls := 0
	build := func(dir string) (string, error) {
		calls++
		p := filepath.Join(dir, "x")
		return p, os.WriteFile(p, []byte("x"), 0o644)
	}
	a := Build(t, "once", build)
	b := Build(t, "once", build)
	c := Build(t, "other", build)
	if calls != 2 || a != b || filepath.Dir(a) == filepath.Dir(c) {
		t.Fatalf("%d builds; paths %s %s %s", calls, a, b, c)
	}
	if _, err := os.Stat(a); err != nil {
		t.Fatal(err)
	}
}

// A failed build fails every test that asks for it, with the error.
func TestBuildErrorShared(t *testing.T) {
	calls := 0
	build := func(string) (string, error) { calls++; return "", errors.New("no compiler") }
	for range 2 {
		ok := t.Run("ask", func(t *testing.T) {
			ft := &fatalT{TB: t}
			func() {
				defer func() { recover() }()
				Build(ft, "broken", build)
			}()
			if !strings.Contains(ft.msg, "building broken: no compiler") {
				t.Errorf("message %q", ft.msg)
			}
		})
		if !ok {
			return
		}
	}
	if calls != 1 {
		t.Fatalf("%d builds of a broken program, want 1", calls)
	}
}

// fatalT records Fatalf instead of ending the test.
type fatalT struct {
	testing.TB
	msg string
}

func (f *fatalT) Helper() {}
func (f *fatalT) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic("fatal")
}

func TestGoBuild(t *testing.T) {
	bin := GoBuild(t, "./testdata/hello")
	if filepath.Base(bin) != "hello" {
		t.Errorf("binary %s", bin)
	}
	out, err := exec.Command(bin).Output()
	if err != nil || string(out) != "hello\n" {
		t.Fatalf("%s: %q %v", bin, out, err)
	}
	if again := GoBuild(t, "./testdata/hello"); again != bin {
		t.Fatalf("built twice: %s, %s", bin, again)
	}
}
