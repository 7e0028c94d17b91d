package overlay

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The cache grows by one entry whenever mapguard itself, the toolchain or
// the mode changes (the entry's key hashes all three), and a mirror of a
// module-cache toolchain is a full GOROOT. Like the go command's build
// cache, it trims itself: each run marks the entries it uses, and at most
// once a day a run removes the entries no run has used for TrimAge, plus
// temporary directories that a killed run left behind.
//
// An entry's last use is its directory's modification time, which nothing
// else changes once the entry is published but a merged overlay that
// mapguard overlay adds to it, itself a use (a mirror's files are hard links
// to the toolchain's own, so their times are not ours to touch).

const (
	// TrimAge is how long an entry may go unused before a run removes it.
	TrimAge = 5 * 24 * time.Hour
	// trimInterval is how often a run looks for entries to remove.
	trimInterval = 24 * time.Hour
	// markInterval: an entry used more recently than this is not re-marked,
	// so that most runs write nothing.
	markInterval = time.Hour
	// trimStamp is the file in the cache root whose time is the last trim.
	trimStamp = "trim.txt"
)

// markUsed records that dir, an entry of the cache, was used at now.
func markUsed(dir string, now time.Time) error {
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if now.Sub(info.ModTime()) < markInterval {
		return nil
	}
	return os.Chtimes(dir, now, now)
}

// trim removes the entries under root that no run has used for TrimAge and
// that no running mapguard holds (hold.go), and temporary directories older
// than a day, unless a run did so less than a day ago. It returns the paths
// it removed.
func trim(root string, now time.Time) ([]string, error) {
	stamp := filepath.Join(root, trimStamp)
	if info, err := os.Stat(stamp); err == nil && now.Sub(info.ModTime()) < trimInterval {
		return nil, nil
	}
	if err := os.WriteFile(stamp, []byte("the last time a mapguard run trimmed this cache\n"), 0o644); err != nil {
		return nil, fmt.Errorf("trimming the mapguard cache: %v", err)
	}
	if err := os.Chtimes(stamp, now, now); err != nil {
		return nil, fmt.Errorf("trimming the mapguard cache: %v", err)
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("trimming the mapguard cache: %v", err)
	}
	var removed []string
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed by another run meanwhile
		}
		age := TrimAge
		if strings.HasPrefix(e.Name(), ".tmp-") {
			age = trimInterval
		}
		if now.Sub(info.ModTime()) < age {
			continue
		}
		path := filepath.Join(root, e.Name())
		if strings.HasPrefix(e.Name(), ".tmp-") {
			// A killed run's leftovers: nobody holds them.
			if err := os.RemoveAll(path); err != nil {
				return removed, fmt.Errorf("trimming the mapguard cache: %v", err)
			}
			removed = append(removed, path)
			continue
		}
		ok, err := tryRemove(root, path, now)
		if err != nil {
			return removed, fmt.Errorf("trimming the mapguard cache: %v", err)
		}
		if ok {
			removed = append(removed, path)
		}
	}
	return removed, nil
}

// Clean removes root and everything mapguard cached in it, as
// go clean -cache does for the build cache, and reports whether there was
// anything to remove.
func Clean(root string) (bool, error) {
	if _, err := os.Lstat(root); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err := os.RemoveAll(root); err != nil {
		return true, fmt.Errorf("removing the mapguard cache %s: %v", root, err)
	}
	return true, nil
}
