package srctree

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRootInsideTheModule(t *testing.T) {
	got, err := Root(context.Background(), "go", ".")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs(filepath.Join("..", ".."))
	if got != want {
		t.Fatalf("Root = %s, want %s", got, want)
	}
}

// Outside any module, the tree the binary was built from is found.
func TestRootFromAnywhere(t *testing.T) {
	got, err := Root(context.Background(), "go", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if !IsMapsafe(filepath.Join(got, "go.mod")) {
		t.Fatalf("Root = %s: no mapsafe go.mod there", got)
	}
}

// With neither, the error says what was tried and what to do.
func TestRootNowhere(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(other, []byte("module example.com/other\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := root(context.Background(), "go", dir, "")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{other, "not recorded: built with -trimpath", "run inside a checkout of github.com/mapsafe/mapsafe"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	_, file, _, _ := runtime.Caller(0)
	if _, err := root(context.Background(), "go", dir, filepath.Join(dir, "a", "b", filepath.Base(file))); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "go.mod")) {
		t.Errorf("a recorded path outside a mapsafe tree: %v", err)
	}
}
