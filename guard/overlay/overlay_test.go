package overlay

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/mapsafe/mapsafe/guard/toolchain"
)

func installed(t *testing.T) toolchain.Toolchain {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(out))
	return toolchain.Toolchain{GOROOT: f[0], GoVersion: f[1], GOOS: runtime.GOOS, GOARCH: "amd64"}
}

// TestPrepareConcurrent starts eight preparations of the same overlay at
// once: all succeed with the same complete directory, and no temporary
// directory is left behind.
func TestPrepareConcurrent(t *testing.T) {
	tc := installed(t)
	root := t.TempDir()
	const n = 8
	var wg sync.WaitGroup
	preps := make([]*entry, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			preps[i], errs[i] = prepare(root, tc, tc.GOROOT, false)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		if preps[i].dir != preps[0].dir {
			t.Fatalf("run %d used %s, run 0 %s", i, preps[i].dir, preps[0].dir)
		}
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Fatalf("cache holds %v, want one directory", names)
	}
	data, err := os.ReadFile(preps[0].json)
	if err != nil {
		t.Fatal(err)
	}
	var ov overlayJSON
	if err := json.Unmarshal(data, &ov); err != nil {
		t.Fatal(err)
	}
	for from, to := range ov.Replace {
		if !strings.HasPrefix(from, tc.GOROOT) {
			t.Errorf("overlay replaces %s, outside GOROOT", from)
		}
		if _, err := os.Stat(to); err != nil {
			t.Errorf("overlay file missing: %v", err)
		}
	}
	if _, ok := ov.Replace[filepath.Join(tc.GOROOT, "src", "runtime", "mapguard.go")]; !ok {
		t.Errorf("overlay does not add runtime/mapguard.go: %v", ov.Replace)
	}
	again, err := prepare(root, tc, tc.GOROOT, false)
	if err != nil || !again.reused || again.dir != preps[0].dir {
		t.Fatalf("second preparation: %+v, %v", again, err)
	}
	strict, err := prepare(root, tc, tc.GOROOT, true)
	if err != nil || strict.dir == preps[0].dir {
		t.Fatalf("strict preparation: %+v, %v", strict, err)
	}
}

// TestPrepareRefusalLeavesNothing: a runtime that does not match leaves
// the cache as it was.
func TestPrepareRefusalLeavesNothing(t *testing.T) {
	tc := installed(t)
	fake := t.TempDir()
	for _, d := range []string{"src/runtime", "src/internal/runtime/maps"} {
		if err := os.MkdirAll(filepath.Join(fake, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(fake, "src/internal/runtime/maps/map.go"), []byte("package maps\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tc.GOROOT = fake
	root := filepath.Join(t.TempDir(), "cache")
	if _, err := prepare(root, tc, tc.GOROOT, false); err == nil || !strings.Contains(err.Error(), tc.GoVersion) {
		t.Fatalf("prepare of an empty runtime: %v", err)
	}
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Fatalf("refusal created the cache %s: %v", root, err)
	}
}

func TestMerge(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, j overlayJSON) string {
		data, _ := json.Marshal(j)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ours := write("ours.json", overlayJSON{Replace: map[string]string{"/g/src/runtime/mapguard.go": "/c/mapguard.go"}})
	theirs := write("theirs.json", overlayJSON{Replace: map[string]string{"/p/main.go": "/p/gen.go"}})
	got, err := merge(ours, theirs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Replace) != 2 || got.Replace["/p/main.go"] != "/p/gen.go" || got.Replace["/g/src/runtime/mapguard.go"] != "/c/mapguard.go" {
		t.Fatalf("merged overlay %v", got.Replace)
	}
	clash := write("clash.json", overlayJSON{Replace: map[string]string{"/g/src/runtime/mapguard.go": "/x.go"}})
	if _, err := merge(ours, clash); err == nil || !strings.Contains(err.Error(), "which mapguard replaces too") {
		t.Fatalf("clash: %v", err)
	}
	if _, err := merge(ours, filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{"), 0o644)
	if _, err := merge(ours, bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Fatalf("bad JSON: %v", err)
	}
}

func TestBeneathModCache(t *testing.T) {
	for _, tc := range []struct {
		goroot, modcache string
		want             bool
	}{
		{"/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64", "/root/go/pkg/mod", true},
		{"/usr/local/go", "/root/go/pkg/mod", false},
		{"/root/go/pkg/modx/go", "/root/go/pkg/mod", false},
		{"/usr/local/go", "", false},
	} {
		if got := beneathModCache(tc.goroot, tc.modcache); got != tc.want {
			t.Errorf("beneathModCache(%q, %q) = %v", tc.goroot, tc.modcache, got)
		}
	}
}

// TestMirror mirrors a small read-only tree: files are hard links of the
// originals, and a second call reuses the mirror.
func TestMirror(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{"bin/go": "#!/bin/sh\n", "src/runtime/map.go": "package runtime\n", "go.env": "GOTOOLCHAIN=auto\n"}
	for name, body := range files {
		p := filepath.Join(src, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	root := t.TempDir()
	want := mirrorDir(root, toolchain.Toolchain{GOROOT: src, GoVersion: "go1.99"})
	dir, err := mirror(root, src, want)
	if err != nil || dir != want {
		t.Fatal(err)
	}
	for name, body := range files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(data) != body {
			t.Fatalf("mirror %s: %q, %v", name, data, err)
		}
		a, _ := os.Stat(filepath.Join(src, name))
		b, _ := os.Stat(filepath.Join(dir, name))
		if a.Sys().(*syscall.Stat_t).Ino != b.Sys().(*syscall.Stat_t).Ino {
			t.Errorf("%s is a copy, not a hard link", name)
		}
	}
	again, err := mirror(root, src, want)
	if err != nil || again != dir {
		t.Fatalf("second mirror: %s, %v", again, err)
	}
}
