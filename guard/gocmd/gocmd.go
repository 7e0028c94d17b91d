// Package gocmd is mapguard's command: a drop-in for the go command's build,
// test, run and install that adds -overlay with a patched map runtime.
//
// A run goes through these phases:
//
//  1. parse mapguard's own flags (before the command) and the go flags that
//     matter to it (-C, -overlay, -compiler) on the command line and in
//     GOFLAGS (cmdline.go);
//  2. ask the go command which toolchain it runs (go env), so GOTOOLCHAIN and
//     a go.mod toolchain line choose the GOROOT exactly as they would for go;
//  3. open an overlay session for that toolchain (guard/overlay), or refuse:
//     nothing is built, and nothing cached, when mapguard does not support
//     the toolchain or its runtime source is not as expected;
//  4. run go <command> -overlay=... with the user's arguments and streams,
//     and exit with its status (exit_unix.go).
package gocmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"

	"github.com/mapsafe/mapsafe/guard/overlay"
	"github.com/mapsafe/mapsafe/guard/patch"
	"github.com/mapsafe/mapsafe/guard/toolchain"
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
  overlay [-C dir] [-overlay file]
                              prepare the overlay and print its JSON path
                              (for go build -overlay=$(mapguard overlay))
  check                       list what the patch changes in this toolchain
  clean                       remove mapguard's cache (entries unused for
                              five days are removed automatically)

flags (before the command; go's flags go after it):
  -strict   also report a write by another goroutine between two steps of
            a range over the map (MAPGUARD_STRICT=1 does the same)
  -v        say which toolchain, patch and overlay are used

environment:
  MAPGUARD_CACHE    cache directory (default: <user cache dir>/mapsafe/mapguard)
  MAPGUARD_STRICT   a boolean (1, true, 0, false, ...) for -strict
  GOTOOLCHAIN, GOFLAGS and the rest are the go command's, and honoured.

mapguard supports Go 1.26 and 1.27 on amd64 and arm64 (docs/mapguard.md).
`

// Run is mapguard's main.
func Run(env cli.Env) error {
	// Phase 1: the command line.
	c, err := parseCommand(env.Args)
	switch {
	case errors.Is(err, errHelp):
		fmt.Fprint(env.Stdout, usage)
		return nil
	case errors.Is(err, errNoCommand):
		fmt.Fprint(env.Stderr, usage)
		return cli.Exit(2, nil)
	case err != nil:
		return cli.Usagef("%v", err)
	case c.verb == "clean":
		return clean(env)
	}

	// Phase 2: which toolchain.
	goenv, err := goEnv(c.inv.chdir)
	if err != nil {
		return err
	}
	tc := goenv.Toolchain
	gf := parseGOFLAGS(goenv.GOFLAGS)
	if comp := firstNonEmpty(c.inv.compiler, gf.compiler); comp != "" && comp != "gc" {
		return fmt.Errorf("-compiler=%s is not supported: mapguard patches the gc toolchain's runtime (gccgo's libgo has its own map)", comp)
	}
	if w := tc.Warning(); w != "" {
		fmt.Fprintf(env.Stderr, "mapguard: warning: %s\n", w)
	}
	if c.verb == "check" {
		return check(env, tc, c.opt.strict)
	}

	// Phase 3: the overlay.
	root, err := overlay.CacheRoot()
	if err != nil {
		return err
	}
	s, err := overlay.Open(overlay.Config{
		Root:        root,
		Toolchain:   tc,
		GOMODCACHE:  goenv.GOMODCACHE,
		Strict:      c.opt.strict,
		UserOverlay: firstNonEmpty(c.inv.overlay, gf.overlay),
		External:    c.verb == "overlay",
	})
	var mce *overlay.ModCacheError
	if errors.As(err, &mce) {
		return fmt.Errorf("%v; run %smapguard build (or test, run, install) instead, which builds with a mirror of %s outside the module cache", err, goToolchainPrefix(), mce.Toolchain.GoVersion)
	}
	if err != nil {
		return err
	}
	defer s.Close()
	if c.opt.verbose {
		describe(env, tc, s, c.opt.strict)
	}
	if c.verb == "overlay" {
		fmt.Fprintln(env.Stdout, s.Overlay)
		return nil
	}

	// Phase 4: the go command.
	return runGo(env, s, c.verb, c.inv.withOverlay(s.Overlay))
}

// describe says, for -v, which toolchain, patch and overlay the session
// uses and what its trim removed.
func describe(env cli.Env, tc toolchain.Toolchain, s *overlay.Session, strict bool) {
	if s.Mirror != "" {
		fmt.Fprintf(env.Stderr, "mapguard: %s is in the module cache, where go build -overlay may not replace files; building with its mirror %s\n", tc.GOROOT, s.Mirror)
	}
	state := "generated"
	if s.Reused {
		state = "cached"
	}
	mode := ""
	if strict {
		mode = ", strict"
	}
	fmt.Fprintf(env.Stderr, "mapguard: %s %s/%s, patch v%d%s: overlay %s (%s)\n", tc.GoVersion, tc.GOOS, tc.GOARCH, patch.Version, mode, s.Overlay, state)
	for _, dir := range s.Removed {
		fmt.Fprintf(env.Stderr, "mapguard: removed %s (unused for %v)\n", dir, overlay.TrimAge)
	}
	if s.CacheErr != nil {
		fmt.Fprintf(env.Stderr, "mapguard: %v\n", s.CacheErr)
	}
}

// clean removes the cache and says what it removed.
func clean(env cli.Env) error {
	root, err := overlay.CacheRoot()
	if err != nil {
		return err
	}
	removed, err := overlay.Clean(root)
	if err != nil {
		return err
	}
	if !removed {
		fmt.Fprintf(env.Stdout, "no cache at %s: nothing to remove\n", root)
		return nil
	}
	fmt.Fprintf(env.Stdout, "removed %s\n", root)
	return nil
}

// goEnv is what mapguard reads of go env.
type goEnvVars struct {
	toolchain.Toolchain
	GOFLAGS, GOMODCACHE string
}

// goEnv asks the go command for its toolchain.
func goEnv(chdir string) (*goEnvVars, error) {
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
		return nil, fmt.Errorf("go env failed: %v\n%s", err, strings.TrimSpace(stderr.String()))
	}
	var v goEnvVars
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("go env printed %q: %v", out, err)
	}
	if v.GOROOT == "" || v.GoVersion == "" {
		return nil, fmt.Errorf("go env did not say GOROOT and GOVERSION: %s", out)
	}
	return &v, nil
}

// runGo runs the go command of the session and passes its exit status
// through.
func runGo(env cli.Env, s *overlay.Session, verb string, args []string) error {
	cmd := s.Cmd(append([]string{verb}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = env.Stdin, env.Stdout, env.Stderr
	// Interrupts reach the child through the terminal's process group; the
	// child decides how to end, and this process reports its status.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return childExit(ee.ProcessState)
	}
	if err != nil {
		return fmt.Errorf("running go %s: %v", verb, err)
	}
	return nil
}

// goToolchainPrefix returns "GOTOOLCHAIN=x " when the environment sets it,
// for a command line to suggest.
func goToolchainPrefix() string {
	if v := os.Getenv("GOTOOLCHAIN"); v != "" {
		return "GOTOOLCHAIN=" + v + " "
	}
	return ""
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
