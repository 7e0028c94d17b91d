package overlay

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/mapsafe/mapsafe/guard/toolchain"
)

// Config says which overlay a session needs.
type Config struct {
	Root       string              // the cache directory (CacheRoot)
	Toolchain  toolchain.Toolchain // as go env reports it
	GOMODCACHE string              // go env GOMODCACHE: a toolchain beneath it is mirrored
	Strict     bool                // the strict overlay (docs/mapguard.md, "Strict mode")

	// UserOverlay is the user's -overlay file, merged with mapguard's; ""
	// if there is none.
	UserOverlay string

	// External says the overlay is for a go command that mapguard does not
	// run (mapguard overlay). The go command refuses to replace files in
	// the module cache, and only the mirror's own go command builds with
	// the mirror, so Open refuses a toolchain that lives there; a merged
	// overlay is kept in the cache entry, which outlives the session.
	External bool
}

// Session is what the go command needs to build against mapguard's overlay:
// run Cmd's command, then Close.
type Session struct {
	// Overlay is the file for the go command's -overlay flag.
	Overlay string
	// Toolchain is the toolchain as the go command must see it: for one in
	// the module cache, GOROOT is its mirror.
	Toolchain toolchain.Toolchain
	// Go is the go command to run, and Env what to add to its environment.
	Go  string
	Env []string
	// Mirror is the directory of the toolchain's mirror, or "".
	Mirror string
	// Reused says the overlay was found in the cache rather than generated.
	Reused bool
	// Removed are the old entries this session's trim removed, and
	// CacheErr what went wrong marking or trimming the cache: neither
	// fails the session (an untrimmed cache only takes more space).
	Removed  []string
	CacheErr error

	releases []func()
	temp     string // a merged overlay that Close removes
}

// Open prepares the overlay for cfg, holds every cache entry it uses until
// Close, and returns what the go command needs. A refusal (an unsupported
// toolchain, a runtime whose source is not as expected, an External
// overlay for a toolchain in the module cache) leaves the cache as it was.
func Open(cfg Config) (_ *Session, err error) {
	tc := cfg.Toolchain
	if err := tc.Check(); err != nil {
		return nil, err
	}
	inModCache := beneathModCache(tc.GOROOT, cfg.GOMODCACHE)
	if inModCache && cfg.External {
		return nil, &ModCacheError{Toolchain: tc, GOMODCACHE: cfg.GOMODCACHE}
	}
	s := &Session{Toolchain: tc, Go: "go"}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if inModCache {
		s.Mirror = mirrorDir(cfg.Root, tc)
		s.Toolchain.GOROOT = s.Mirror
	}

	// The overlay first: generating it checks the source, so a refused
	// runtime leaves no mirror behind either.
	var ent *entry
	if err := s.hold(func() (string, error) {
		e, err := prepare(cfg.Root, tc, s.Toolchain.GOROOT, cfg.Strict)
		if err != nil {
			return "", err
		}
		ent = e
		return e.dir, nil
	}); err != nil {
		return nil, err
	}
	s.Overlay, s.Reused = ent.json, ent.reused
	used := []string{ent.dir}
	if inModCache {
		if err := s.hold(func() (string, error) { return mirror(cfg.Root, tc.GOROOT, s.Mirror) }); err != nil {
			return nil, err
		}
		used = append(used, s.Mirror)
		s.Go = filepath.Join(s.Mirror, "bin", "go")
		s.Env = []string{"GOROOT=" + s.Mirror, "GOTOOLCHAIN=local"}
	}
	s.Removed, s.CacheErr = markAndTrim(cfg.Root, used, time.Now())

	if cfg.UserOverlay != "" {
		merged, err := merge(ent.json, cfg.UserOverlay)
		if err != nil {
			return nil, err
		}
		if cfg.External {
			s.Overlay, err = keepMerged(ent.dir, merged)
		} else {
			s.Overlay, err = tempMerged(merged)
			s.temp = s.Overlay
		}
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Cmd returns the go command with args, to run with the session's
// toolchain.
func (s *Session) Cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(s.Go, args...)
	if s.Env != nil {
		cmd.Env = append(os.Environ(), s.Env...)
	}
	return cmd
}

// Close releases the cache entries and removes a temporary merged overlay.
func (s *Session) Close() error {
	for _, release := range s.releases {
		release()
	}
	s.releases = nil
	if s.temp != "" {
		err := os.Remove(s.temp)
		s.temp = ""
		return err
	}
	return nil
}

// hold prepares a cache entry and holds it until Close, preparing it again
// if a trim removed it before it was held (errGone).
func (s *Session) hold(prepare func() (string, error)) error {
	for try := 0; ; try++ {
		dir, err := prepare()
		if err != nil {
			return err
		}
		release, err := hold(dir)
		if err == nil {
			s.releases = append(s.releases, release)
			return nil
		}
		if !errors.Is(err, errGone) || try == 2 {
			return err
		}
	}
}

// markAndTrim marks the entries in use and trims the cache (trim.go).
func markAndTrim(root string, used []string, now time.Time) ([]string, error) {
	var errs []error
	for _, dir := range used {
		if err := markUsed(dir, now); err != nil {
			errs = append(errs, fmt.Errorf("marking %s used: %v", dir, err))
		}
	}
	removed, err := trim(root, now)
	return removed, errors.Join(append(errs, err)...)
}

// tempMerged writes a merged overlay into a temporary file.
func tempMerged(ov *overlayJSON) (string, error) {
	data, err := json.MarshalIndent(ov, "", "\t")
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp("", "mapguard-overlay-*.json")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), f.Close()
}

// keepMerged writes a merged overlay into the entry dir, which the session
// holds, named by its content, and returns its path. It stays as long as
// the entry.
func keepMerged(dir string, ov *overlayJSON) (string, error) {
	data, err := json.MarshalIndent(ov, "", "\t")
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(data)
	path := filepath.Join(dir, "merged-"+hex.EncodeToString(h[:])[:12]+".json")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	f, err := os.CreateTemp(dir, ".tmp-merged-*.json")
	if err != nil {
		return "", fmt.Errorf("writing the merged overlay: %v", err)
	}
	_, werr := f.Write(data)
	if err := errors.Join(werr, f.Close()); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing the merged overlay: %v", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing the merged overlay: %v", err)
	}
	return path, nil
}

// ModCacheError refuses an overlay for a go command mapguard does not run
// when the toolchain lives in the module cache, where the go command
// refuses every replacement an overlay makes.
type ModCacheError struct {
	Toolchain  toolchain.Toolchain
	GOMODCACHE string
}

func (e *ModCacheError) Error() string {
	return fmt.Sprintf("%s is in the module cache (%s), and the go command refuses an overlay that replaces files there: no overlay can patch it", e.Toolchain.GoVersion, e.Toolchain.GOROOT)
}
