package overlay

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// mkEntry makes a cache entry whose last use was age before now.
func mkEntry(t *testing.T, root, name string, now time.Time, age time.Duration) string {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "overlay.json"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	when := now.Add(-age)
	if err := os.Chtimes(dir, when, when); err != nil {
		t.Fatal(err)
	}
	return dir
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Entries unused for TrimAge go, and so do temporary directories older than
// a day; recent entries, recent temporary directories and files stay. A
// second trim within a day removes nothing, even what has aged meanwhile.
func TestTrim(t *testing.T) {
	root := t.TempDir()
	now := time.Now()
	old := mkEntry(t, root, "go1.26.8-linux_amd64-p1-default-aaaaaaaaaaaa", now, TrimAge+time.Hour)
	oldMirror := mkEntry(t, root, "goroot-go1.27.3-bbbbbbbbbbbb", now, 30*24*time.Hour)
	fresh := mkEntry(t, root, "go1.26.8-linux_amd64-p2-default-cccccccccccc", now, TrimAge-time.Hour)
	oldTmp := mkEntry(t, root, ".tmp-go1.26.8-x-123", now, 25*time.Hour)
	newTmp := mkEntry(t, root, ".tmp-go1.26.8-y-456", now, time.Minute)
	file := filepath.Join(root, "notes")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	removed, err := trim(root, now)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	want := []string{oldTmp, old, oldMirror}
	slices.Sort(want)
	if !slices.Equal(removed, want) {
		t.Errorf("removed %q, want %q", removed, want)
	}
	for _, p := range want {
		if exists(p) {
			t.Errorf("%s still exists", p)
		}
	}
	for _, p := range []string{fresh, newTmp, file} {
		if !exists(p) {
			t.Errorf("%s was removed", p)
		}
	}

	// Within a day of the last trim nothing is looked at.
	later := now.Add(2 * time.Hour)
	if err := os.Chtimes(fresh, later.Add(-TrimAge-time.Hour), later.Add(-TrimAge-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if removed, err := trim(root, later); err != nil || len(removed) != 0 {
		t.Errorf("second trim within a day: removed %q, %v; want nothing", removed, err)
	}
	// A day later it is, and the temporary directory is a day old too.
	dayLater := now.Add(25 * time.Hour)
	removed, err = trim(root, dayLater)
	slices.Sort(removed)
	if want := []string{newTmp, fresh}; err != nil || !slices.Equal(removed, want) {
		t.Errorf("trim a day later: removed %q, %v; want %q", removed, err, want)
	}
}

// markUsed moves an entry's last use to now unless it was marked within the
// hour, so that a used entry survives Trim.
func TestMarkUsed(t *testing.T) {
	root := t.TempDir()
	now := time.Now().Truncate(time.Second)
	dir := mkEntry(t, root, "go1.26.8-linux_amd64-p2-default-dddddddddddd", now, TrimAge+time.Hour)
	if err := markUsed(dir, now); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !info.ModTime().Equal(now) {
		t.Errorf("after markUsed the entry's time is %v, want %v", info.ModTime(), now)
	}
	if err := markUsed(dir, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(dir); !info.ModTime().Equal(now) {
		t.Errorf("a second mark within the hour moved the time to %v", info.ModTime())
	}
	if removed, err := trim(root, now); err != nil || len(removed) != 0 {
		t.Errorf("Trim removed %q, %v; want nothing", removed, err)
	}
	if err := markUsed(filepath.Join(root, "missing"), now); err == nil {
		t.Error("markUsed of a missing entry: no error")
	}
}

// Clean removes the whole cache and says so; a second Clean finds nothing
// to remove.
func TestClean(t *testing.T) {
	root := filepath.Join(t.TempDir(), "mapguard")
	mkEntry(t, root, "go1.26.8-linux_amd64-p2-default-eeeeeeeeeeee", time.Now(), 0)
	if removed, err := Clean(root); err != nil || !removed {
		t.Fatalf("Clean: %v, %v; want true, nil", removed, err)
	}
	if exists(root) {
		t.Errorf("%s still exists", root)
	}
	if removed, err := Clean(root); err != nil || removed {
		t.Errorf("cleaning a missing cache: %v, %v; want false, nil", removed, err)
	}
}
