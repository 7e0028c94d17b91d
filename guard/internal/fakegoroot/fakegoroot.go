// Package fakegoroot makes, for tests, a Go toolchain that mapguard can be
// pointed at without fetching one: a copy of a real GOROOT's runtime and map
// source (symbolic links to its files, but for the edited ones), a VERSION
// file that names any release, and the real go command as bin/go.
package fakegoroot

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Dirs are the source directories mapguard reads, relative to GOROOT.
var Dirs = []string{"src/runtime", "src/internal/runtime/maps"}

// Make makes the toolchain at dir, a copy of real's Dirs in which each file
// named in edit (a path relative to GOROOT, such as
// "src/internal/runtime/maps/map.go") is written with its function applied,
// and returns dir. VERSION says version, or is absent if version is "". An
// edit that changes nothing fails the test.
func Make(t testing.TB, dir, real, version string, edit map[string]func(string) string) string {
	t.Helper()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	if version != "" {
		check(os.WriteFile(filepath.Join(dir, "VERSION"), []byte(version+"\ntime 2026-01-01T00:00:00Z\n"), 0o644))
	}
	goBin, err := exec.LookPath("go")
	check(err)
	check(os.Symlink(goBin, filepath.Join(dir, "bin", "go")))
	used := 0
	for _, d := range Dirs {
		src := filepath.Join(real, filepath.FromSlash(d))
		dst := filepath.Join(dir, filepath.FromSlash(d))
		check(os.MkdirAll(dst, 0o755))
		ents, err := os.ReadDir(src)
		check(err)
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			fn, ok := edit[d+"/"+e.Name()]
			if !ok {
				check(os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())))
				continue
			}
			used++
			data, err := os.ReadFile(filepath.Join(src, e.Name()))
			check(err)
			changed := fn(string(data))
			if changed == string(data) {
				t.Fatalf("the edit of %s changed nothing", d+"/"+e.Name())
			}
			check(os.WriteFile(filepath.Join(dst, e.Name()), []byte(changed), 0o644))
		}
	}
	if used != len(edit) {
		t.Fatalf("edits %v name files that %s does not have", edit, real)
	}
	return dir
}

// InModCache makes the toolchain where GOTOOLCHAIN=version would put it,
// inside a new module cache, and returns its GOROOT and the module cache.
func InModCache(t testing.TB, real, version string, edit map[string]func(string) string) (goroot, modcache string) {
	t.Helper()
	modcache = filepath.Join(t.TempDir(), "mod")
	goroot = filepath.Join(modcache, "golang.org", "toolchain@v0.0.1-"+version+".linux-amd64")
	return Make(t, goroot, real, version, edit), modcache
}
