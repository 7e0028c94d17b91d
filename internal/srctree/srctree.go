// Package srctree finds the mapsafe source tree, for the commands that
// build a gccgo probe from it (maplab classic -verify, maplab claims): the
// probes are compiled from source by gccgo at run time, so a maplab binary
// needs the source next to it.
package srctree

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// ModulePath is the module the tree must hold.
const ModulePath = "github.com/mapsafe/mapsafe"

// Root returns the root of a mapsafe source tree: the module containing
// dir (go env GOMOD run there with goCmd), or else the tree this binary
// was built from, which a binary made by go build, go run or go install
// remembers unless it was built with -trimpath. The error says what was
// tried and how to run from anywhere.
func Root(ctx context.Context, goCmd, dir string) (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		file = ""
	}
	return root(ctx, goCmd, dir, file)
}

// root is Root with the path of this file as the binary recorded it ("" if
// it did not).
func root(ctx context.Context, goCmd, dir, builtFrom string) (string, error) {
	var tried []string
	cmd := exec.CommandContext(ctx, goCmd, "env", "GOMOD")
	cmd.Dir = dir
	if out, err := cmd.Output(); err == nil {
		if gomod := strings.TrimSpace(string(out)); gomod != "" && gomod != os.DevNull {
			if IsMapsafe(gomod) {
				return filepath.Dir(gomod), nil
			}
			tried = append(tried, gomod)
		} else {
			tried = append(tried, dir+" (in no module)")
		}
	} else {
		tried = append(tried, fmt.Sprintf("%s env GOMOD in %s: %v", goCmd, dir, err))
	}
	if builtFrom != "" {
		gomod := filepath.Join(filepath.Dir(builtFrom), "..", "..", "go.mod")
		if IsMapsafe(gomod) {
			return filepath.Dir(filepath.Clean(gomod)), nil
		}
		tried = append(tried, filepath.Clean(gomod))
	} else {
		tried = append(tried, "the tree this binary was built from (not recorded: built with -trimpath)")
	}
	return "", fmt.Errorf("no %s source tree found (tried %s): run inside a checkout of %s, or anywhere with a maplab built in one without -trimpath (go build, go install or go run there)",
		ModulePath, strings.Join(tried, "; "), ModulePath)
}

// IsMapsafe reports whether the go.mod file at path declares ModulePath.
func IsMapsafe(gomod string) bool {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == "module" {
			return f[1] == ModulePath
		}
	}
	return false
}
