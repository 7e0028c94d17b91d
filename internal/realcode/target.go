package realcode

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Setup says how a target's module becomes something the go command can
// load.
type Setup string

const (
	// SetupModule copies the module out of the module cache and makes it the
	// main module, so ./... and its tests load with the module's own go.mod
	// and go.sum. Replace directives that point at local directories (a
	// monorepo's siblings, which a module zip does not hold) are dropped, so
	// the required versions are used instead.
	SetupModule Setup = "module"
	// SetupScratch makes a scratch module that requires the module and
	// imports the target packages, as a user of the module would.
	SetupScratch Setup = "scratch"
	// SetupStd checks the standard library of the go command in PATH, in
	// GOROOT/src.
	SetupStd Setup = "std"
)

// Target is one mapvet run of the evaluation.
type Target struct {
	Name     string   // short name; -only selects targets by it
	Module   string   // module path ("std" for the standard library)
	Version  string   // pinned version (the go version for std)
	Setup    Setup    // how the packages are loaded
	Packages []string // patterns: relative (./...) for SetupModule, import paths otherwise
	// Staging is the version to require, for a module copy, in place of
	// each v0.0.0 requirement that a dropped local replace served
	// (k8s.io/kubernetes requires its staging modules that way).
	Staging string
	Extra   bool   // not run by default; select it with -only
	Note    string // why this version or these packages
}

// Key is module@version, the key of the target's expectations.
func (t Target) Key() string { return t.Module + "@" + t.Version }

// Workspace is a prepared target: where to run the go command and mapvet,
// and the module root that positions are made relative to.
type Workspace struct {
	Dir  string   // working directory of the runs
	Root string   // the module's root directory
	Env  []string // added to the environment of every go command and mapvet
}

// goEnv keeps the go command from switching toolchains or reading a
// workspace file that is not ours, lets it add missing go.sum entries of
// test dependencies, and gives it a build cache of its own under work:
// other jobs on a shared machine may trim or clean the user's cache while
// a run reads it (the first baseline lost two targets that way).
func goEnv(setup Setup, work string) []string {
	env := []string{"GOWORK=off", "GOTOOLCHAIN=local", "GOCACHE=" + filepath.Join(work, "gocache")}
	if setup != SetupStd {
		env = append(env, "GOFLAGS=-mod=mod")
	}
	return env
}

// Prepare downloads the target's module through the module proxy and lays
// out its workspace under work (kept between runs: a copy that is already
// there is reused).
func Prepare(t Target, work string) (Workspace, error) {
	work, err := filepath.Abs(work)
	if err != nil {
		return Workspace{}, err
	}
	ws := Workspace{Env: goEnv(t.Setup, work)}
	switch t.Setup {
	case SetupStd:
		out, err := goOut("", ws.Env, "env", "GOROOT")
		if err != nil {
			return ws, err
		}
		ws.Dir = filepath.Join(strings.TrimSpace(out), "src")
		ws.Root = ws.Dir
		return ws, nil
	case SetupModule:
		src, err := download(t.Module, t.Version)
		if err != nil {
			return ws, err
		}
		ws.Dir = filepath.Join(work, "mod", safeName(t.Key()))
		ws.Root = ws.Dir
		if _, err := os.Stat(filepath.Join(ws.Dir, ".realcode-ready")); err == nil {
			return ws, nil
		}
		if err := os.RemoveAll(ws.Dir); err != nil {
			return ws, err
		}
		if err := copyTree(src, ws.Dir); err != nil {
			return ws, fmt.Errorf("copying %s: %v", t.Key(), err)
		}
		if err := dropLocalReplaces(ws, t.Staging); err != nil {
			return ws, fmt.Errorf("%s: %v", t.Key(), err)
		}
		if _, err := goOut(ws.Dir, ws.Env, "mod", "download"); err != nil {
			return ws, err
		}
		return ws, os.WriteFile(filepath.Join(ws.Dir, ".realcode-ready"), nil, 0o644)
	case SetupScratch:
		ws.Dir = filepath.Join(work, "scratch", safeName(t.Name+"-"+t.Key()))
		if err := scratch(ws, t); err != nil {
			return ws, fmt.Errorf("scratch module for %s: %v", t.Key(), err)
		}
		out, err := goOut(ws.Dir, ws.Env, "list", "-m", "-f", "{{.Dir}}", t.Module)
		if err != nil {
			return ws, err
		}
		ws.Root = strings.TrimSpace(out)
		return ws, nil
	}
	return ws, fmt.Errorf("target %s: unknown setup %q", t.Name, t.Setup)
}

func scratch(ws Workspace, t Target) error {
	if _, err := os.Stat(filepath.Join(ws.Dir, "go.sum")); err == nil {
		return nil
	}
	if err := os.MkdirAll(ws.Dir, 0o755); err != nil {
		return err
	}
	var src strings.Builder
	src.WriteString("// Package scratch imports the packages mapvet checks (scripts/realcode).\npackage scratch\n\nimport (\n")
	for _, p := range t.Packages {
		fmt.Fprintf(&src, "\t_ %q\n", p)
	}
	src.WriteString(")\n")
	if err := os.WriteFile(filepath.Join(ws.Dir, "scratch.go"), []byte(src.String()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(ws.Dir, "go.mod"), []byte("module realcode.scratch\n"), 0o644); err != nil {
		return err
	}
	for _, args := range [][]string{{"get", t.Key()}, {"mod", "tidy"}} {
		if _, err := goOut(ws.Dir, ws.Env, args...); err != nil {
			return err
		}
	}
	return nil
}

// download fetches module@version through the module proxy and returns its
// directory in the module cache.
func download(module, version string) (string, error) {
	out, err := goOut("", []string{"GOFLAGS=-mod=mod"}, "mod", "download", "-json", module+"@"+version)
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal([]byte(out), &info); jerr == nil && info.Error != "" {
		return "", fmt.Errorf("downloading %s@%s: %s", module, version, info.Error)
	}
	if err != nil {
		return "", err
	}
	if info.Dir == "" {
		return "", fmt.Errorf("downloading %s@%s: no directory in %q", module, version, out)
	}
	return info.Dir, nil
}

// dropLocalReplaces removes the replace directives of the copied go.mod
// whose target is a directory, and requires staging instead of v0.0.0 for
// the modules they replaced.
func dropLocalReplaces(ws Workspace, staging string) error {
	out, err := goOut(ws.Dir, ws.Env, "mod", "edit", "-json")
	if err != nil {
		return err
	}
	var mod struct {
		Require []struct{ Path, Version string }
		Replace []struct {
			Old struct{ Path, Version string }
			New struct{ Path, Version string }
		}
	}
	if err := json.Unmarshal([]byte(out), &mod); err != nil {
		return fmt.Errorf("go mod edit -json: %v", err)
	}
	required := map[string]string{}
	for _, r := range mod.Require {
		required[r.Path] = r.Version
	}
	var edits []string
	for _, r := range mod.Replace {
		if r.New.Version != "" || !(strings.HasPrefix(r.New.Path, "./") || strings.HasPrefix(r.New.Path, "../")) {
			continue
		}
		old := r.Old.Path
		if r.Old.Version != "" {
			old += "@" + r.Old.Version
		}
		edits = append(edits, "-dropreplace="+old)
		if v, ok := required[r.Old.Path]; ok && v == "v0.0.0" {
			if staging == "" {
				return fmt.Errorf("go.mod requires %s v0.0.0 from %s: the target needs a staging version", r.Old.Path, r.New.Path)
			}
			edits = append(edits, "-require="+r.Old.Path+"@"+staging)
		}
	}
	if len(edits) == 0 {
		return nil
	}
	_, err = goOut(ws.Dir, ws.Env, append([]string{"mod", "edit"}, edits...)...)
	return err
}

// goOut runs the go command and returns its standard output; an error
// carries the command and its standard error.
func goOut(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("go %s (in %s): %v: %s", strings.Join(args, " "), dir, err, tail([]byte(stderr.String()), 2000))
	}
	return string(out), nil
}

// copyTree copies the regular files under src to dst, writable (the module
// cache is read-only).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
}

func safeName(s string) string {
	return strings.NewReplacer("/", "_", "@", "_").Replace(s)
}
