// Package gocmd is mapguard's command: a drop-in for the go command's build,
// test, run and install that adds -overlay with a patched map runtime.
//
// A run goes through these phases:
//
//  1. parse mapguard's own flags (before the verb) and find the go flags that
//     matter to it (-C, -overlay, -compiler) on the command line and in GOFLAGS;
//  2. ask the go command which toolchain it runs (go env), so GOTOOLCHAIN and
//     a go.mod toolchain line choose the GOROOT exactly as they would for go;
//  3. prepare the overlay for that GOROOT (guard/overlay, guard/patch), or
//     refuse: nothing is built when the runtime source is not as expected;
//  4. run go <verb> -overlay=... with the user's arguments and streams, and
//     exit with its status.
package gocmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/mapsafe/mapsafe/guard/overlay"
	"github.com/mapsafe/mapsafe/guard/patch"
	"github.com/mapsafe/mapsafe/internal/cli"
)

const usage = `usage: mapguard [-strict] [-v] <command> [go flags] [packages] [arguments]

mapguard builds Go programs against a patched copy of the installed
toolchain's map runtime. When such a program dies of "concurrent map writes",
"concurrent map read and map write" or "concurrent map iteration and map
write", it first prints the other side of the race: the goroutine, function
and file:line of the write, and that goroutine's stack.

commands:
  build, test, run, install   the go command's, with -overlay added
  overlay                     prepare the overlay and print its JSON path
                              (for go build -overlay=$(mapguard overlay))
  check                       list what the patch changes in this toolchain
  clean                       remove mapguard's cache (entries unused for
                              five days are removed automatically)

flags:
  -strict   also report a write by another goroutine between two steps of
            a range over the map (MAPGUARD_STRICT=1 does the same)
  -v        say which overlay is used

environment:
  MAPGUARD_CACHE    cache directory (default: <user cache dir>/mapsafe/mapguard)
  MAPGUARD_STRICT   1 for -strict
  GOTOOLCHAIN, GOFLAGS and the rest are the go command's, and honoured.
`

// Run is mapguard's main.
func Run(env cli.Env) error {
	fs := flag.NewFlagSet("mapguard", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	strict := fs.Bool("strict", os.Getenv("MAPGUARD_STRICT") == "1", "")
	verbose := fs.Bool("v", false, "")
	if err := fs.Parse(env.Args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(env.Stdout, usage)
			return nil
		}
		fmt.Fprint(env.Stderr, usage)
		return cli.Usagef("%v", err)
	}
	args := fs.Args()
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return cli.Exit(2, nil)
	}
	verb, goArgs := args[0], args[1:]
	switch verb {
	case "help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	case "clean":
		if len(goArgs) != 0 {
			return cli.Usagef("mapguard clean takes no arguments")
		}
		root, err := overlay.CacheRoot()
		if err != nil {
			return err
		}
		if err := overlay.Clean(root); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "removed %s\n", root)
		return nil
	case "build", "test", "run", "install", "overlay", "check":
	default:
		fmt.Fprint(env.Stderr, usage)
		return cli.Usagef("unknown command %q: mapguard wraps build, test, run and install", verb)
	}

	// Phase 1: the go flags that matter here.
	inv, err := parseGoArgs(verb, goArgs)
	if err != nil {
		return cli.Usagef("%v", err)
	}

	// Phase 2: which toolchain.
	tc, goenv, err := goEnv(inv.chdir)
	if err != nil {
		return err
	}
	gf := parseGOFLAGS(goenv.GOFLAGS)
	if c := firstNonEmpty(inv.compiler, gf.compiler); c != "" && c != "gc" {
		return fmt.Errorf("-compiler=%s is not supported: mapguard patches the gc toolchain's runtime (gccgo's libgo has its own map)", c)
	}

	// Phase 3: the overlay.
	root, err := overlay.CacheRoot()
	if err != nil {
		return err
	}
	if verb == "check" {
		return check(env, tc, *strict)
	}
	goBin, goEnvExtra := "go", []string(nil)
	var used []string // cache entries this run uses, and holds until it returns
	var releases []func()
	defer func() {
		for _, release := range releases {
			release()
		}
	}()
	// hold prepares a cache entry and holds it (overlay.Hold), preparing it
	// again if a trim removed it before it was held.
	hold := func(prepare func() (string, error)) (string, error) {
		for try := 0; ; try++ {
			dir, err := prepare()
			if err != nil {
				return "", err
			}
			release, err := overlay.Hold(dir)
			if err == nil {
				releases = append(releases, release)
				return dir, nil
			}
			if !errors.Is(err, overlay.ErrGone) || try == 2 {
				return "", err
			}
		}
	}
	if overlay.BeneathModCache(tc.GOROOT, goenv.GOMODCACHE) {
		goroot := tc.GOROOT
		mirror, err := hold(func() (string, error) { return overlay.Mirror(root, goroot, tc.GoVersion) })
		if err != nil {
			return err
		}
		if *verbose {
			fmt.Fprintf(env.Stderr, "mapguard: %s is in the module cache, where go build -overlay may not replace files; building with its mirror %s\n", tc.GOROOT, mirror)
		}
		used = append(used, mirror)
		tc.GOROOT = mirror
		goBin = filepath.Join(mirror, "bin", "go")
		goEnvExtra = []string{"GOROOT=" + mirror, "GOTOOLCHAIN=local"}
	}
	var prep *overlay.Prepared
	if _, err := hold(func() (string, error) {
		p, err := overlay.Prepare(root, tc, *strict)
		if err != nil {
			return "", err
		}
		prep = p
		return p.Dir, nil
	}); err != nil {
		return err
	}
	used = append(used, prep.Dir)
	trimCache(env, root, used, *verbose)
	ovPath := prep.JSON
	if user := firstNonEmpty(inv.overlay, gf.overlay); user != "" {
		merged, err := overlay.Merge(os.TempDir(), prep.JSON, user)
		if err != nil {
			return err
		}
		defer os.Remove(merged)
		ovPath = merged
	}
	if *verbose {
		state := "generated"
		if prep.Reused {
			state = "cached"
		}
		mode := ""
		if *strict {
			mode = ", strict"
		}
		fmt.Fprintf(env.Stderr, "mapguard: %s %s/%s, patch v%d%s: overlay %s (%s)\n", tc.GoVersion, tc.GOOS, tc.GOARCH, patch.Version, mode, ovPath, state)
	}
	if verb == "overlay" {
		fmt.Fprintln(env.Stdout, ovPath)
		return nil
	}

	// Phase 4: the go command.
	return runGo(env, goBin, goEnvExtra, verb, inv.withOverlay(ovPath))
}

// trimCache marks the cache entries this run uses and removes the ones no
// run has used for overlay.TrimAge. Neither is allowed to fail the run: a
// cache that cannot be trimmed only takes more space. -v reports both.
func trimCache(env cli.Env, root string, used []string, verbose bool) {
	now := time.Now()
	for _, dir := range used {
		if err := overlay.MarkUsed(dir, now); err != nil && verbose {
			fmt.Fprintf(env.Stderr, "mapguard: marking %s used: %v\n", dir, err)
		}
	}
	removed, err := overlay.Trim(root, now)
	if !verbose {
		return
	}
	for _, dir := range removed {
		fmt.Fprintf(env.Stderr, "mapguard: removed %s (unused for %v)\n", dir, overlay.TrimAge)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "mapguard: %v\n", err)
	}
}

// invocation is the user's go arguments with the flags mapguard reads.
type invocation struct {
	args     []string // without -overlay
	chdir    string   // -C
	hasC     bool
	overlay  string
	compiler string
}

// valueFlags are the go build, run and test flags that take a value, so
// that the value is not mistaken for a package.
var valueFlags = map[string]bool{
	"C": true, "o": true, "p": true, "asmflags": true, "buildmode": true, "compiler": true,
	"gccgoflags": true, "gcflags": true, "installsuffix": true, "ldflags": true, "mod": true,
	"modfile": true, "overlay": true, "pgo": true, "pkgdir": true, "tags": true, "toolexec": true,
	"coverpkg": true, "covermode": true, "exec": true, "run": true, "skip": true, "bench": true,
	"benchtime": true, "count": true, "timeout": true, "cpu": true, "parallel": true, "list": true,
	"shuffle": true, "fuzz": true, "fuzztime": true, "fuzzminimizetime": true, "vet": true,
	"outputdir": true, "coverprofile": true, "cpuprofile": true, "memprofile": true,
	"memprofilerate": true, "blockprofile": true, "blockprofilerate": true, "mutexprofile": true,
	"mutexprofilefraction": true, "trace": true,
}

// parseGoArgs finds -C (which go requires first), -overlay and -compiler
// among the go flags: before the first package for build, run and install,
// and anywhere before -args for test (go test accepts flags after packages).
func parseGoArgs(verb string, args []string) (*invocation, error) {
	inv := &invocation{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-args" || a == "--args" {
			inv.args = append(inv.args, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if verb != "test" {
				inv.args = append(inv.args, args[i:]...)
				break
			}
			inv.args = append(inv.args, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		name = strings.TrimPrefix(name, "test.")
		if !valueFlags[name] || hasValue {
			switch name {
			case "C":
				if i != 0 {
					return nil, fmt.Errorf("-C must be the first go flag")
				}
				inv.chdir, inv.hasC = value, true
			case "overlay":
				inv.overlay = value
			case "compiler":
				inv.compiler = value
				inv.args = append(inv.args, a)
			default:
				inv.args = append(inv.args, a)
			}
			continue
		}
		if i+1 >= len(args) {
			return nil, fmt.Errorf("flag -%s needs a value", name)
		}
		value = args[i+1]
		switch name {
		case "C":
			if i != 0 {
				return nil, fmt.Errorf("-C must be the first go flag")
			}
			inv.chdir, inv.hasC = value, true
		case "overlay":
			inv.overlay = value
		case "compiler":
			inv.compiler = value
			inv.args = append(inv.args, a, value)
		default:
			inv.args = append(inv.args, a, value)
		}
		i++
	}
	return inv, nil
}

// withOverlay returns the go arguments with -overlay added after -C.
func (inv *invocation) withOverlay(path string) []string {
	var out []string
	rest := inv.args
	if inv.hasC {
		out = append(out, "-C", inv.chdir)
	}
	out = append(out, "-overlay="+path)
	return append(out, rest...)
}

type goflagsInfo struct{ overlay, compiler string }

// parseGOFLAGS reads -overlay and -compiler from GOFLAGS (space-separated
// -flag=value entries, as the go command accepts them there).
func parseGOFLAGS(s string) goflagsInfo {
	var g goflagsInfo
	for _, f := range strings.Fields(s) {
		name, value, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		switch name {
		case "overlay":
			g.overlay = value
		case "compiler":
			g.compiler = value
		}
	}
	return g
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// goEnvVars are the go env values mapguard reads.
type goEnvVars struct{ GOROOT, GOVERSION, GOOS, GOARCH, GOFLAGS, GOMODCACHE string }

// goEnv asks the go command for its toolchain.
func goEnv(chdir string) (overlay.Toolchain, goEnvVars, error) {
	var v goEnvVars
	args := []string{"env"}
	if chdir != "" {
		args = append(args, "-C", chdir)
	}
	args = append(args, "-json", "GOROOT", "GOVERSION", "GOOS", "GOARCH", "GOFLAGS", "GOMODCACHE")
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return overlay.Toolchain{}, v, fmt.Errorf("go env failed: %v\n%s", err, strings.TrimSpace(stderr.String()))
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return overlay.Toolchain{}, v, fmt.Errorf("go env printed %q: %v", out, err)
	}
	if v.GOROOT == "" || v.GOVERSION == "" {
		return overlay.Toolchain{}, v, fmt.Errorf("go env did not say GOROOT and GOVERSION: %s", out)
	}
	return overlay.Toolchain{GOROOT: v.GOROOT, GoVersion: v.GOVERSION, GOOS: v.GOOS, GOARCH: v.GOARCH}, v, nil
}

// runGo runs the go command and passes its exit status through.
func runGo(env cli.Env, goBin string, extraEnv []string, verb string, args []string) error {
	cmd := exec.Command(goBin, append([]string{verb}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = env.Stdin, env.Stdout, env.Stderr
	if extraEnv != nil {
		cmd.Env = append(os.Environ(), extraEnv...)
	}
	// Interrupts reach the child through the terminal's process group; the
	// child decides how to end, and this process reports its status.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return cli.Exit(ee.ExitCode(), nil)
	}
	if err != nil {
		return fmt.Errorf("running go %s: %v", verb, err)
	}
	return nil
}

// check prints what the patch changes in this toolchain, without caching.
func check(env cli.Env, tc overlay.Toolchain, strict bool) error {
	res, err := patch.Generate(patch.Options{GOROOT: tc.GOROOT, GoVersion: tc.GoVersion, GOOS: tc.GOOS, GOARCH: tc.GOARCH, Strict: strict})
	if err != nil {
		return err
	}
	for _, s := range res.Sites {
		note := ""
		if s.Note != "" {
			note = " " + fmt.Sprintf("%q", s.Note)
		}
		fmt.Fprintf(env.Stdout, "%s:%d\t%s\t%s%s\n", s.File, s.Line, s.Kind, s.Func, note)
	}
	for _, f := range res.Files {
		state := "patched"
		if f.New {
			state = "added"
		}
		fmt.Fprintf(env.Stdout, "%s\t%s\n", f.Path, state)
	}
	var tally []string
	for _, t := range patch.Count(res.Sites) {
		tally = append(tally, fmt.Sprintf("%d %s", t.N, t.Label))
	}
	fmt.Fprintf(env.Stdout, "%s %s/%s, patch v%d: %s\n", tc.GoVersion, tc.GOOS, tc.GOARCH, patch.Version, strings.Join(tally, ", "))
	return nil
}
