package overlay

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// A run holds every cache entry it uses (the overlay, and a toolchain's
// mirror) from the moment it has found it until it exits: a shared lock on
// the entry's directory, which the go command's build reads throughout.
// Trim removes an entry only if it gets the exclusive lock at once, so it
// never removes an entry that a running build reads. (The go command's own
// build cache does not lock, and a trim can race a build there.) Where the
// system has no flock (see hold_other.go), nothing is locked and that race
// remains.

// errGone reports that an entry was removed, by a trim or a clean, before
// the run could hold it; the run prepares it again (Session.hold).
var errGone = errors.New("the cache entry was removed")

// hold takes a shared lock on the entry dir, waiting while a trim holds it,
// and returns the function that releases it. It returns errGone if dir is
// no longer the directory it opened: a trim removed it meanwhile.
func hold(dir string) (release func(), err error) {
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errGone
	}
	if err != nil {
		return nil, fmt.Errorf("holding the mapguard cache entry %s: %v", dir, err)
	}
	return holdOpen(f, dir)
}

// holdOpen is hold once dir is open as f; it closes f unless it returns
// the release function.
func holdOpen(f *os.File, dir string) (release func(), err error) {
	if err := lockShared(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("holding the mapguard cache entry %s: %v", dir, err)
	}
	held, err1 := f.Stat()
	now, err2 := os.Stat(dir)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		f.Close()
		return nil, errGone
	}
	return func() { f.Close() }, nil
}

// tryRemove removes the entry at path if no run holds it and none has used
// it for TrimAge, and reports whether it did. It takes the exclusive lock
// without waiting, moves the entry aside (a run that then gets its shared
// lock finds it gone), and removes it.
func tryRemove(root, path string, now time.Time) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, nil // removed by another run meanwhile
	}
	defer f.Close()
	ok, err := tryLockExclusive(f)
	if err != nil || !ok {
		return false, err
	}
	// A run may have used it since Trim looked, and finished already.
	if info, err := f.Stat(); err != nil || now.Sub(info.ModTime()) < TrimAge {
		return false, nil
	}
	aside, err := os.MkdirTemp(root, ".tmp-trim-")
	if err != nil {
		return false, err
	}
	if err := os.Rename(path, filepath.Join(aside, "entry")); err != nil {
		os.Remove(aside)
		return false, err
	}
	return true, os.RemoveAll(aside)
}
