//go:build unix

package overlay

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// An old entry that a run holds survives a trim; once released, the next
// trim removes it, and the removal leaves no .tmp-trim- directory behind.
func TestTrimSkipsHeldEntry(t *testing.T) {
	root := t.TempDir()
	now := time.Now()
	held := mkEntry(t, root, "go1.26.8-linux_amd64-p4-default-aaaaaaaaaaaa", now, TrimAge+time.Hour)
	free := mkEntry(t, root, "go1.26.8-linux_amd64-p4-strict-bbbbbbbbbbbb", now, TrimAge+time.Hour)
	release, err := hold(held)
	if err != nil {
		t.Fatal(err)
	}
	removed, err := trim(root, now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{free}) || !exists(held) || exists(free) {
		t.Fatalf("with %s held, trim removed %q", filepath.Base(held), removed)
	}

	release()
	later := now.Add(trimInterval + time.Minute)
	removed, err = trim(root, later)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{held}) || exists(held) {
		t.Fatalf("after release, trim removed %q", removed)
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

// Hold reports errGone for an entry that no longer exists, and for one
// that a trim moved aside while Hold waited for its lock (another run has
// published it again meanwhile): the run must prepare it again.
func TestHoldGone(t *testing.T) {
	root := t.TempDir()
	if _, err := hold(filepath.Join(root, "missing")); !errors.Is(err, errGone) {
		t.Errorf("Hold of a missing entry: %v, want errGone", err)
	}

	dir := mkEntry(t, root, "entry", time.Now(), TrimAge+time.Hour)
	trim, err := os.Open(dir) // what tryRemove does first
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := tryLockExclusive(trim); !ok || err != nil {
		t.Fatalf("exclusive lock: %v %v", ok, err)
	}
	f, err := os.Open(dir) // what Hold does first
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan error)
	go func() {
		_, err := holdOpen(f, dir) // waits for the trim's lock
		held <- err
	}()
	select {
	case err := <-held:
		t.Fatalf("Hold did not wait for the trim: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := os.Rename(dir, filepath.Join(root, "aside")); err != nil {
		t.Fatal(err)
	}
	mkEntry(t, root, "entry", time.Now(), 0)
	trim.Close()
	if err := <-held; !errors.Is(err, errGone) {
		t.Errorf("Hold of an entry moved aside while it waited: %v, want errGone", err)
	}
	release, err := hold(dir)
	if err != nil {
		t.Fatalf("Hold of the new entry: %v", err)
	}
	release()
}

// A trim waits for nobody: with the entry held it skips it at once.
func TestTryRemoveDoesNotWait(t *testing.T) {
	root := t.TempDir()
	now := time.Now()
	dir := mkEntry(t, root, "entry", now, TrimAge+time.Hour)
	release, err := hold(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	done := make(chan bool)
	go func() {
		ok, _ := tryRemove(root, dir, now)
		done <- ok
	}()
	select {
	case ok := <-done:
		if ok {
			t.Fatal("removed a held entry")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("tryRemove waited for the holder")
	}
}
