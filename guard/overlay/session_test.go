package overlay

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mapsafe/mapsafe/guard/internal/fakegoroot"
	"github.com/mapsafe/mapsafe/guard/patch"
	"github.com/mapsafe/mapsafe/guard/toolchain"
)

// fakeGOROOT makes a toolchain at dir from the installed one's source
// (fakegoroot.Make).
func fakeGOROOT(t *testing.T, dir, version string, edit map[string]func(string) string) toolchain.Toolchain {
	t.Helper()
	tc := installed(t)
	tc.GOROOT = fakegoroot.Make(t, dir, tc.GOROOT, version, edit)
	return tc
}

// modCacheGOROOT makes a fake toolchain where GOTOOLCHAIN puts one, in a
// module cache, and returns it and the module cache.
func modCacheGOROOT(t *testing.T, version string, edit map[string]func(string) string) (toolchain.Toolchain, string) {
	t.Helper()
	tc := installed(t)
	goroot, modcache := fakegoroot.InModCache(t, tc.GOROOT, version, edit)
	tc.GOROOT = goroot
	return tc, modcache
}

// TestOpen opens a session on the installed toolchain: the go command is
// the user's, the overlay is in the cache, the entry is held until Close
// (a trim cannot remove it), and the session's trim removed an old entry.
// A second session reuses the entry.
func TestOpen(t *testing.T) {
	tc := installed(t)
	root := t.TempDir()
	now := time.Now()
	stale := mkEntry(t, root, "go1.26.8-linux_amd64-p1-default-000000000000", now, TrimAge+time.Hour)
	s, err := Open(Config{Root: root, Toolchain: tc})
	if err != nil {
		t.Fatal(err)
	}
	if s.Go != "go" || s.Env != nil || s.Mirror != "" || s.Reused || s.Toolchain != tc {
		t.Errorf("session %+v: want the go command as it is, a generated overlay", s)
	}
	if dir := filepath.Dir(s.Overlay); filepath.Dir(dir) != root || !exists(s.Overlay) {
		t.Errorf("overlay %s: not a file of an entry of %s", s.Overlay, root)
	}
	if !slices.Equal(s.Removed, []string{stale}) || exists(stale) || s.CacheErr != nil {
		t.Errorf("the session's trim removed %q (%v), want %s", s.Removed, s.CacheErr, stale)
	}
	cmd := s.Cmd("version")
	if cmd.Path != mustLookPath(t, "go") || cmd.Env != nil {
		t.Errorf("Cmd runs %s with %q", cmd.Path, cmd.Env)
	}

	// Held: a trim (a day later, of an entry unused for long) skips it.
	entry := filepath.Dir(s.Overlay)
	old := now.Add(-2 * TrimAge)
	if err := os.Chtimes(entry, old, old); err != nil {
		t.Fatal(err)
	}
	if removed, err := trim(root, now.Add(trimInterval+time.Minute)); err != nil || len(removed) != 0 {
		t.Fatalf("trim with the session open removed %q, %v", removed, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(Config{Root: root, Toolchain: tc})
	if err != nil || !again.Reused || again.Overlay != s.Overlay {
		t.Fatalf("second session: %+v, %v; want the same overlay, reused", again, err)
	}
	again.Close()
	if err := os.Chtimes(entry, old, old); err != nil {
		t.Fatal(err)
	}
	if removed, err := trim(root, now.Add(2*trimInterval+time.Minute)); err != nil || !slices.Equal(removed, []string{entry}) {
		t.Fatalf("trim after Close removed %q, %v; want %s", removed, err, entry)
	}
}

func mustLookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenModCache opens a session on a toolchain in a module cache: the go
// command is the mirror's, run with GOROOT set to it, and the overlay
// replaces the mirror's files. The same toolchain for a go command mapguard
// does not run (External) is refused, and the refusal creates no cache.
func TestOpenModCache(t *testing.T) {
	tc, modcache := modCacheGOROOT(t, installed(t).GoVersion, nil)
	root := filepath.Join(t.TempDir(), "cache")
	if _, err := Open(Config{Root: root, Toolchain: tc, GOMODCACHE: modcache, External: true}); !errors.As(err, new(*ModCacheError)) {
		t.Fatalf("External session on a module-cache toolchain: %v, want a *ModCacheError", err)
	}
	if exists(root) {
		t.Fatalf("the refusal created %s", root)
	}

	s, err := Open(Config{Root: root, Toolchain: tc, GOMODCACHE: modcache})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Mirror == "" || filepath.Dir(s.Mirror) != root || s.Toolchain.GOROOT != s.Mirror {
		t.Fatalf("session %+v: want a mirror in %s", s, root)
	}
	if s.Go != filepath.Join(s.Mirror, "bin", "go") || !slices.Equal(s.Env, []string{"GOROOT=" + s.Mirror, "GOTOOLCHAIN=local"}) {
		t.Errorf("session runs %s with %q, want the mirror's go command", s.Go, s.Env)
	}
	if !exists(filepath.Join(s.Mirror, "src", "runtime", "map.go")) {
		t.Errorf("the mirror has no runtime source")
	}
	ov, err := read(s.Overlay)
	if err != nil {
		t.Fatal(err)
	}
	for from := range ov.Replace {
		if !strings.HasPrefix(from, s.Mirror+string(filepath.Separator)) {
			t.Errorf("the overlay replaces %s, outside the mirror", from)
		}
	}
}

// TestOpenRefusals: a toolchain mapguard does not support, or whose runtime
// is not as expected, is refused; the refusal creates no cache, and no
// mirror for a toolchain in the module cache.
func TestOpenRefusals(t *testing.T) {
	version := installed(t).GoVersion
	for _, tc := range []struct {
		name     string
		make     func(t *testing.T) (toolchain.Toolchain, string)
		want     string
		anchored bool // refused by guard/patch's anchors, not up front
	}{
		{"Go 1.25", func(t *testing.T) (toolchain.Toolchain, string) {
			return modCacheGOROOT(t, "go1.25.0", nil)
		}, "mapguard supports Go 1.26 and 1.27; this is go1.25.0", false},
		{"Go 1.23", func(t *testing.T) (toolchain.Toolchain, string) {
			tc := fakeGOROOT(t, filepath.Join(t.TempDir(), "go"), "go1.23.0", nil)
			return tc, ""
		}, "mapguard supports Go 1.26 and 1.27; this is go1.23.0", false},
		{"development toolchain", func(t *testing.T) (toolchain.Toolchain, string) {
			tc := fakeGOROOT(t, filepath.Join(t.TempDir(), "go"), "", nil)
			tc.GoVersion = "devel go1.28-0123456789 Mon Jan 1 00:00:00 2027 +0000"
			return tc, ""
		}, "this is devel go1.28-0123456789", false},
		{"GOARCH=386", func(t *testing.T) (toolchain.Toolchain, string) {
			tc, modcache := modCacheGOROOT(t, version, nil)
			tc.GOARCH = "386"
			return tc, modcache
		}, "GOARCH=386 is not supported", false},
		{"changed runtime", func(t *testing.T) (toolchain.Toolchain, string) {
			return modCacheGOROOT(t, version, map[string]func(string) string{
				"src/internal/runtime/maps/map.go": func(s string) string { return strings.Replace(s, "\twriting uint8\n", "\twriting uint16\n", 1) },
			})
		}, "... writing uint8 ...", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			toolchain, modcache := tc.make(t)
			root := filepath.Join(t.TempDir(), "cache")
			for _, strict := range []bool{false, true} {
				_, err := Open(Config{Root: root, Toolchain: toolchain, GOMODCACHE: modcache, Strict: strict})
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Open: %v, want %q", err, tc.want)
				}
				var se *patch.ShapeError
				if errors.As(err, &se) != tc.anchored {
					t.Errorf("Open: %v (%T): refused by the anchors %v, want %v", err, err, !tc.anchored, tc.anchored)
				}
				if exists(root) {
					t.Fatalf("the refusal created %s", root)
				}
			}
		})
	}
}

// Session.hold prepares an entry again when it was removed before it could
// be held, twice at most.
func TestSessionHoldRetries(t *testing.T) {
	root := t.TempDir()
	real := mkEntry(t, root, "entry", time.Now(), 0)
	missing := filepath.Join(root, "gone")
	var s Session
	calls := 0
	err := s.hold(func() (string, error) {
		calls++
		if calls == 1 {
			return missing, nil // a trim removed it meanwhile
		}
		return real, nil
	})
	if err != nil || calls != 2 || len(s.releases) != 1 {
		t.Fatalf("hold: %v after %d preparations, %d held; want nil, 2, 1", err, calls, len(s.releases))
	}
	s.Close()

	calls = 0
	err = s.hold(func() (string, error) { calls++; return missing, nil })
	if !errors.Is(err, errGone) || calls != 3 || len(s.releases) != 0 {
		t.Errorf("hold of an entry that is always gone: %v after %d preparations, want errGone after 3", err, calls)
	}
	boom := errors.New("boom")
	if err := s.hold(func() (string, error) { return "", boom }); err != boom {
		t.Errorf("hold when preparing fails: %v", err)
	}
}

// The user's overlay is merged with mapguard's: into a temporary file that
// Close removes, or, for a go command mapguard does not run, into the entry,
// where it stays.
func TestOpenUserOverlay(t *testing.T) {
	tc := installed(t)
	root := t.TempDir()
	user := filepath.Join(t.TempDir(), "user.json")
	if err := writeJSON(user, overlayJSON{Replace: map[string]string{"/p/main.go": "/p/gen.go"}}); err != nil {
		t.Fatal(err)
	}
	check := func(s *Session) {
		t.Helper()
		ov, err := read(s.Overlay)
		if err != nil {
			t.Fatal(err)
		}
		if ov.Replace["/p/main.go"] != "/p/gen.go" || ov.Replace[filepath.Join(tc.GOROOT, "src", "runtime", "mapguard.go")] == "" {
			t.Errorf("merged overlay %s: %v", s.Overlay, ov.Replace)
		}
	}

	s, err := Open(Config{Root: root, Toolchain: tc, UserOverlay: user})
	if err != nil {
		t.Fatal(err)
	}
	check(s)
	if strings.HasPrefix(s.Overlay, root) {
		t.Errorf("a merged overlay for mapguard's own go command is in the cache: %s", s.Overlay)
	}
	s.Close()
	if exists(s.Overlay) {
		t.Errorf("Close left %s", s.Overlay)
	}

	s, err = Open(Config{Root: root, Toolchain: tc, UserOverlay: user, External: true})
	if err != nil {
		t.Fatal(err)
	}
	check(s)
	s.Close()
	if !exists(s.Overlay) || !strings.HasPrefix(s.Overlay, root) {
		t.Errorf("the merged overlay printed for another go command, %s, is not kept in the cache", s.Overlay)
	}
	again, err := Open(Config{Root: root, Toolchain: tc, UserOverlay: user, External: true})
	if err != nil || again.Overlay != s.Overlay {
		t.Errorf("second merge: %v, %v; want %s", again, err, s.Overlay)
	}
	again.Close()
}
