// Package toolchain describes the Go toolchain that mapguard patches — where
// its source is, which release it is, which target it builds for — and
// decides, before anything is generated or cached, whether mapguard supports
// it.
//
// The decision has two lines. This package is the first: it refuses a
// release mapguard was not written for (Supported) and a GOARCH whose
// callers it cannot record, by name, up front. guard/patch is the second: it
// checks every anchor in the source itself, so a patch release of a
// supported Go whose runtime changed is refused too, naming what changed.
package toolchain

import (
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Toolchain identifies a Go toolchain as the go command reports it
// (go env -json GOROOT GOVERSION GOOS GOARCH decodes into it).
type Toolchain struct {
	GOROOT    string // whose source is patched
	GoVersion string `json:"GOVERSION"` // for messages, file headers and the cache key
	GOOS      string // the target
	GOARCH    string
}

// Supported are the Go releases (language versions) mapguard's patch was
// written for and is tested on; guard/patch's anchors decide about each
// patch release of them.
var Supported = []string{"go1.26", "go1.27"}

// Arches are the GOARCH values mapguard supports: a write through reflect
// records its callers by frame pointers, which Go keeps on these only.
var Arches = []string{"amd64", "arm64"}

// TestedOS is the GOOS mapguard's reports are tested on (docs/mapguard.md,
// "Supported toolchains"); another builds, with a warning.
const TestedOS = "linux"

// Release returns the Go release of the source under GOROOT: the first line
// of GOROOT/VERSION, as the distribution writes it (go1.26.8), or, without
// that file (a toolchain built from a Git checkout), GoVersion.
func (tc Toolchain) Release() string {
	data, err := os.ReadFile(filepath.Join(tc.GOROOT, "VERSION"))
	if err != nil {
		return tc.GoVersion
	}
	line, _, _ := strings.Cut(string(data), "\n")
	if line = strings.TrimSpace(line); line == "" {
		return tc.GoVersion
	}
	return line
}

// Check refuses a toolchain mapguard does not support: a release not in
// Supported (a development toolchain included) or a GOARCH not in Arches.
func (tc Toolchain) Check() error {
	rel := tc.Release()
	// GOVERSION may carry a GOEXPERIMENT suffix: "go1.26.8 X:loopvar".
	name, _, _ := strings.Cut(rel, " ")
	if !slices.Contains(Supported, version.Lang(name)) {
		return fmt.Errorf("mapguard supports Go %s; this is %s (GOROOT %s): nothing is built or cached", releases(), rel, tc.GOROOT)
	}
	return tc.CheckArch()
}

// CheckArch refuses a GOARCH not in Arches.
func (tc Toolchain) CheckArch() error {
	if !slices.Contains(Arches, tc.GOARCH) {
		return fmt.Errorf("%s: GOARCH=%s is not supported: mapguard records write sites by frame pointers, which Go keeps on %s only", tc.GoVersion, tc.GOARCH, strings.Join(Arches, " and "))
	}
	return nil
}

// Warning returns what a user should know about a supported toolchain that
// mapguard's tests do not cover (a GOOS other than TestedOS), or "".
func (tc Toolchain) Warning() string {
	if tc.GOOS == TestedOS {
		return ""
	}
	return fmt.Sprintf("GOOS=%s is untested: mapguard's reports are tested on %s/amd64 and %s/arm64; the patched runtime builds for %s/%s, but a crash report there has never been checked", tc.GOOS, TestedOS, TestedOS, tc.GOOS, tc.GOARCH)
}

// releases is Supported as prose: "1.26 and 1.27".
func releases() string {
	var v []string
	for _, s := range Supported {
		v = append(v, strings.TrimPrefix(s, "go"))
	}
	if len(v) < 2 {
		return strings.Join(v, "")
	}
	return strings.Join(v[:len(v)-1], ", ") + " and " + v[len(v)-1]
}
