// Package overlay keeps mapguard's generated runtime files in the user cache
// directory and writes the JSON file that go build -overlay reads.
//
// Layout, one directory per toolchain, patch version and mode:
//
//	<cache>/mapguard/go1.26.8-linux_amd64-p1-default-<key>/
//	    overlay.json                      {"Replace": {GOROOT file: cached file}}
//	    src/internal/runtime/maps/*.go    patched and added files
//	    src/runtime/mapguard.go
//
// <key> hashes what the directory was generated from (the generator's
// fingerprint, GOROOT path, the version strings, and the names, sizes and modification times of the source
// directories it reads), so a replaced toolchain gets a fresh directory.
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
)

// JSON is the file format of go build -overlay.
type JSON struct {
	Replace map[string]string
}

// Toolchain identifies the go command mapguard wraps.
type Toolchain struct {
	GOROOT    string
	GoVersion string
	GOOS      string
	GOARCH    string
}

// Prepared is a ready overlay.
type Prepared struct {
	Dir    string // the cache directory
	JSON   string // path of overlay.json
	Reused bool   // found in the cache rather than generated
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

// Prepare returns the overlay for tc in mode (strict or not), generating it
// under root if it is not cached yet.
func Prepare(root string, tc Toolchain, strict bool) (*Prepared, error) {
	key, err := cacheKey(tc, strict)
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
		return &Prepared{Dir: dir, JSON: jsonPath, Reused: true}, nil
	}

	// Generate before touching the cache: a refusal leaves nothing behind.
	res, err := patch.Generate(patch.Options{GOROOT: tc.GOROOT, GoVersion: tc.GoVersion, GOOS: tc.GOOS, GOARCH: tc.GOARCH, Strict: strict})
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

	ov := JSON{Replace: map[string]string{}}
	for _, f := range res.Files {
		rel := filepath.Join("src", filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Join(tmp, filepath.Dir(rel)), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(tmp, rel), f.Data, 0o644); err != nil {
			return nil, err
		}
		ov.Replace[filepath.Join(tc.GOROOT, rel)] = filepath.Join(dir, rel)
	}
	data, err := json.MarshalIndent(ov, "", "\t")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "overlay.json"), append(data, '\n'), 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another run got there first; its directory is complete.
		if _, statErr := os.Stat(jsonPath); statErr == nil {
			return &Prepared{Dir: dir, JSON: jsonPath, Reused: true}, nil
		}
		return nil, fmt.Errorf("publishing the mapguard cache entry %s: %v", dir, err)
	}
	return &Prepared{Dir: dir, JSON: jsonPath}, nil
}

// cacheKey hashes what the generated files depend on.
func cacheKey(tc Toolchain, strict bool) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "mapguard %s\n%s\n%s\n%s/%s\nstrict=%v\n", patch.Fingerprint(), tc.GOROOT, tc.GoVersion, tc.GOOS, tc.GOARCH, strict)
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

// Merge writes a new overlay file into dir that holds the entries of both
// files. A file replaced by both is an error: mapguard will not choose
// between the user's replacement and its own.
func Merge(dir, ours, theirs string) (string, error) {
	a, err := read(ours)
	if err != nil {
		return "", err
	}
	b, err := read(theirs)
	if err != nil {
		return "", err
	}
	out := JSON{Replace: map[string]string{}}
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
		return "", fmt.Errorf("overlay %s replaces %s, which mapguard replaces too", theirs, strings.Join(clash, ", "))
	}
	data, err := json.MarshalIndent(out, "", "\t")
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "mapguard-overlay-*.json")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	return f.Name(), f.Close()
}

func read(path string) (*JSON, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("overlay file %s does not exist", path)
		}
		return nil, err
	}
	var j JSON
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("overlay file %s: %v", path, err)
	}
	return &j, nil
}
