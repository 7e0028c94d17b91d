// Package overlay gives the go command what it needs to build against
// mapguard's patched map runtime: the JSON file that go build -overlay reads,
// the go command to run and its environment. It keeps the generated runtime
// files in a cache in the user cache directory.
//
// # A session
//
// mapguard asks for all of it with one call, Open, and gives it back with
// Close when the go command has exited:
//
//	Open     check the toolchain (guard/toolchain): refuse before touching anything
//	         prepare the cache entry for the toolchain, patch version and mode
//	             (generating it checks every anchor: a refusal leaves nothing behind)
//	         hold it (hold.go); prepare it again if a trim removed it meanwhile
//	         for a toolchain in the module cache: mirror its GOROOT, hold the mirror
//	         mark what the session uses, and trim what no run has used (trim.go)
//	         merge the user's -overlay file, if any, with mapguard's
//	Close    release the holds, remove the merged file
//
// # The cache
//
// One directory per toolchain, patch version and mode:
//
//	<cache>/mapguard/go1.26.8-linux_amd64-p4-default-<key>/
//	    overlay.json                      {"Replace": {GOROOT file: cached file}}
//	    src/internal/runtime/maps/*.go    patched and added files
//	    src/runtime/mapguard.go
//	<cache>/mapguard/goroot-go1.27.3-<hash>/   a mirror of a module-cache GOROOT (mirror.go)
//
// <key> hashes what the directory was generated from (the generator's
// fingerprint, the GOROOT path its overlay names, the version strings, and
// the names, sizes and modification times of the source files it reads), so
// a replaced toolchain gets a fresh directory.
//
// Several mapguard runs may start at once: each generates into a private
// temporary directory and renames it into place. The rename is atomic, a run
// that loses the race discards its copy, and a directory that exists is
// complete.
//
// Entries no run has used for five days are removed by a later run (see
// trim.go), and Clean removes the whole cache.
package overlay

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mapsafe/mapsafe/guard/patch"
	"github.com/mapsafe/mapsafe/guard/toolchain"
)

// overlayJSON is the file format of go build -overlay.
type overlayJSON struct {
	Replace map[string]string
}

// CacheRoot returns the directory mapguard caches under: $MAPGUARD_CACHE if
// set, else <user cache dir>/mapsafe/mapguard.
func CacheRoot() (string, error) {
	if d := os.Getenv("MAPGUARD_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for mapguard (set MAPGUARD_CACHE): %v", err)
	}
	return filepath.Join(d, "mapsafe", "mapguard"), nil
}

// entry is a cache entry holding one overlay.
type entry struct {
	dir    string // the cache directory
	json   string // path of overlay.json
	reused bool   // found in the cache rather than generated
}

// prepare returns the cache entry of the overlay for tc in mode (strict or
// not), generating it under root if it is not cached yet. The overlay is
// generated from tc.GOROOT's source and replaces files under goroot, which
// is tc.GOROOT or its mirror.
func prepare(root string, tc toolchain.Toolchain, goroot string, strict bool) (*entry, error) {
	key, err := cacheKey(tc, goroot, strict)
	if err != nil {
		return nil, err
	}
	mode := "default"
	if strict {
		mode = "strict"
	}
	name := fmt.Sprintf("%s-%s_%s-p%d-%s-%s", safeName(tc.GoVersion), tc.GOOS, tc.GOARCH, patch.Version, mode, key)
	dir := filepath.Join(root, name)
	jsonPath := filepath.Join(dir, "overlay.json")
	if _, err := os.Stat(jsonPath); err == nil {
		return &entry{dir: dir, json: jsonPath, reused: true}, nil
	}

	// Generate before touching the cache: a refusal leaves nothing behind.
	res, err := patch.Generate(patch.Options{Toolchain: tc, Strict: strict})
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("creating the mapguard cache: %v", err)
	}
	tmp, err := os.MkdirTemp(root, ".tmp-"+name+"-")
	if err != nil {
		return nil, fmt.Errorf("creating the mapguard cache: %v", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed

	ov := overlayJSON{Replace: map[string]string{}}
	for _, f := range res.Files {
		rel := filepath.Join("src", filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Join(tmp, filepath.Dir(rel)), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(tmp, rel), f.Data, 0o644); err != nil {
			return nil, err
		}
		ov.Replace[filepath.Join(goroot, rel)] = filepath.Join(dir, rel)
	}
	if err := writeJSON(filepath.Join(tmp, "overlay.json"), ov); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another run got there first; its directory is complete.
		if _, statErr := os.Stat(jsonPath); statErr == nil {
			return &entry{dir: dir, json: jsonPath, reused: true}, nil
		}
		return nil, fmt.Errorf("publishing the mapguard cache entry %s: %v", dir, err)
	}
	return &entry{dir: dir, json: jsonPath}, nil
}

// cacheKey hashes what the generated files depend on.
func cacheKey(tc toolchain.Toolchain, goroot string, strict bool) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "mapguard %s\n%s\n%s\n%s\n%s/%s\nstrict=%v\n", patch.Fingerprint(), tc.GOROOT, goroot, tc.GoVersion, tc.GOOS, tc.GOARCH, strict)
	for _, d := range []string{"src/internal/runtime/maps", "src/runtime"} {
		ents, err := os.ReadDir(filepath.Join(tc.GOROOT, filepath.FromSlash(d)))
		if err != nil {
			return "", fmt.Errorf("%s: reading the toolchain source: %v", tc.GoVersion, err)
		}
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			info, err := e.Info()
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "%s/%s %d %d\n", d, e.Name(), info.Size(), info.ModTime().UnixNano())
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// merge returns the entries of both overlay files as one. A file replaced by
// both is an error: mapguard will not choose between the user's replacement
// and its own.
func merge(ours, theirs string) (*overlayJSON, error) {
	a, err := read(ours)
	if err != nil {
		return nil, err
	}
	b, err := read(theirs)
	if err != nil {
		return nil, err
	}
	out := overlayJSON{Replace: map[string]string{}}
	for k, v := range b.Replace {
		out.Replace[k] = v
	}
	var clash []string
	for k, v := range a.Replace {
		if _, ok := out.Replace[k]; ok {
			clash = append(clash, k)
		}
		out.Replace[k] = v
	}
	if len(clash) > 0 {
		sort.Strings(clash)
		return nil, fmt.Errorf("overlay %s replaces %s, which mapguard replaces too", theirs, strings.Join(clash, ", "))
	}
	return &out, nil
}

func read(path string) (*overlayJSON, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("overlay file %s does not exist", path)
		}
		return nil, err
	}
	var j overlayJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("overlay file %s: %v", path, err)
	}
	return &j, nil
}

func writeJSON(path string, ov overlayJSON) error {
	data, err := json.MarshalIndent(ov, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
