package inspect

import (
	"fmt"
	"strings"
)

// Runtime identification, kept free of build tags so the gc tests cover
// the rules the gccgo build applies too.

// checkGoVersion accepts a gc runtime.Version of the release line this
// build mirrors: "go1.26", "go1.26.8", optionally followed by a GOEXPERIMENT
// suffix (" X:name" or "-X:name"). Development versions and other
// releases are refused.
func checkGoVersion(version, mirrored string) error {
	if mirrored == "" {
		return fmt.Errorf("runtime %s: its map layout is not mirrored by this package (mirrored: go1.26, go1.27)", version)
	}
	base := version
	if i := strings.IndexAny(base, " -"); i >= 0 {
		if rest := base[i+1:]; !strings.HasPrefix(rest, "X:") {
			return fmt.Errorf("runtime %s: not a release version; refusing to guess its map layout", version)
		}
		base = base[:i]
	}
	if base != mirrored && !strings.HasPrefix(base, mirrored+".") {
		return fmt.Errorf("runtime %s: this build mirrors %s; refusing a different release", version, mirrored)
	}
	for _, c := range strings.TrimPrefix(base, mirrored) {
		if c != '.' && (c < '0' || c > '9') {
			return fmt.Errorf("runtime %s: not a release version; refusing to guess its map layout", version)
		}
	}
	return nil
}

// checkLibgoMapping reports whether a /proc/self/maps line maps a libgo
// shared object and whether it is the mirrored one. name is the file name.
func checkLibgoMapping(line, mirrored string) (name string, isLibgo bool, err error) {
	i := strings.LastIndexByte(line, '/')
	if i < 0 || !strings.HasPrefix(line[i+1:], "libgo.so") {
		return "", false, nil
	}
	name = line[i+1:]
	if name != mirrored && !strings.HasPrefix(name, mirrored+".") {
		return name, true, fmt.Errorf("%s is loaded: its map layout is not mirrored by this package (mirrored: %s, GCC 12)", name, mirrored)
	}
	return name, true, nil
}

// checkGCCComment accepts an executable's .comment section (NUL-separated
// strings) if it names GCC 12, the gccgo that links libgo statically.
func checkGCCComment(section []byte) (string, error) {
	for _, c := range strings.Split(string(section), "\x00") {
		if strings.HasPrefix(c, "GCC: ") && strings.Contains(c, ") 12.") {
			return c, nil
		}
	}
	return "", fmt.Errorf("static libgo from an unknown GCC (%q): its map layout is not mirrored (mirrored: GCC 12)", strings.Replace(string(section), "\x00", " ", -1))
}
