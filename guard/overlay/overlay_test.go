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
)

func installed(t *testing.T) Toolchain {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(out))
	return Toolchain{GOROOT: f[0], GoVersion: f[1], GOOS: runtime.GOOS, GOARCH: "amd64"}
}

// TestPrepareConcurrent starts eight preparations of the same overlay at
// once: all succeed with the same complete directory, and no temporary
// directory is left behind.
func TestPrepareConcurrent(t *testing.T) {
	tc := installed(t)
	root := t.TempDir()
	const n = 8
	var wg sync.WaitGroup
	preps := make([]*Prepared, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			preps[i], errs[i] = Prepare(root, tc, false)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		if preps[i].Dir != preps[0].Dir {
			t.Fatalf("run %d used %s, run 0 %s", i, preps[i].Dir, preps[0].Dir)
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
	data, err := os.ReadFile(preps[0].JSON)
	if err != nil {
		t.Fatal(err)
	}
	var ov JSON
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
	again, err := Prepare(root, tc, false)
	if err != nil || !again.Reused || again.Dir != preps[0].Dir {
		t.Fatalf("second preparation: %+v, %v", again, err)
	}
	strict, err := Prepare(root, tc, true)
	if err != nil || strict.Dir == preps[0].Dir {
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
	if _, err := Prepare(root, tc, false); err == nil || !strings.Contains(err.Error(), tc.GoVersion) {
		t.Fatalf("Prepare of an empty runtime: %v", err)
	}
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Fatalf("refusal created the cache %s: %v", root, err)
	}
}

func TestMerge(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, j JSON) string {
		data, _ := json.Marshal(j)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ours := write("ours.json", JSON{Replace: map[string]string{"/g/src/runtime/mapguard.go": "/c/mapguard.go"}})
	theirs := write("theirs.json", JSON{Replace: map[string]string{"/p/main.go": "/p/gen.go"}})
	merged, err := Merge(dir, ours, theirs)
	if err != nil {
		t.Fatal(err)
	}
	var got JSON
	data, _ := os.ReadFile(merged)
	if err := json.Unmarshal(data, &got); err != nil || len(got.Replace) != 2 {
		t.Fatalf("merged overlay %s: %v", data, err)
	}
	clash := write("clash.json", JSON{Replace: map[string]string{"/g/src/runtime/mapguard.go": "/x.go"}})
	if _, err := Merge(dir, ours, clash); err == nil || !strings.Contains(err.Error(), "which mapguard replaces too") {
		t.Fatalf("clash: %v", err)
	}
	if _, err := Merge(dir, ours, filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{"), 0o644)
	if _, err := Merge(dir, ours, bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
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
		if got := BeneathModCache(tc.goroot, tc.modcache); got != tc.want {
			t.Errorf("BeneathModCache(%q, %q) = %v", tc.goroot, tc.modcache, got)
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
	dir, err := Mirror(root, src, "go1.99")
	if err != nil {
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
	again, err := Mirror(root, src, "go1.99")
	if err != nil || again != dir {
		t.Fatalf("second mirror: %s, %v", again, err)
	}
}
