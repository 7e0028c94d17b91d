// Package child runs lab programs in child processes of the running binary.
//
// Every maplab experiment that can crash the process (all three map fatal
// errors are unrecoverable and exit with status 2) has to run somewhere other
// than the process that reports on it. Building a program per experiment with
// the go command would cost a second or more each; instead the programs are
// ordinary Go functions compiled into the binary that wants to run them, and
// that binary re-executes itself:
//
//	maplab repro writes                  (parent: prints, passes status through)
//	  └─ maplab  [MAPSAFE_LAB_CHILD=repro/writes]   (child: runs the program, crashes)
//
// A package that owns programs registers them from init with [Register]. A
// binary that may be used as a child calls [Main] before doing anything else:
// cmd/maplab does it from an init function, test binaries from TestMain. When
// the environment variable is set, Main runs the program and exits with its
// status; otherwise it returns at once.
//
// The same binary being parent and child means the child runs exactly the code
// that was tested, and that a test binary can run every experiment for the
// price of a fork and exec.
package child

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// EnvVar names the program a child process runs.
const EnvVar = "MAPSAFE_LAB_CHILD"

// A Program is the body of a child process. It receives the arguments given
// to [Spec] and returns the exit status; it may also crash the process.
type Program func(args []string) int

var programs = map[string]Program{}

// Register makes a program runnable by name. It panics on a duplicate name:
// that is a programming error found by any test that imports both packages.
func Register(name string, p Program) {
	if _, dup := programs[name]; dup {
		panic("child: program registered twice: " + name)
	}
	programs[name] = p
}

// Main runs the program named by $MAPSAFE_LAB_CHILD, if it is set, and exits
// with its status. Arguments come from the command line after the program
// name's marker (see [Spec]). It returns when the variable is not set.
func Main() {
	name, ok := os.LookupEnv(EnvVar)
	if !ok {
		return
	}
	p, ok := programs[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "lab child: no program named %q in %s\n", name, os.Args[0])
		os.Exit(1)
	}
	os.Exit(p(childArgs(os.Args[1:])))
}

// argMarker separates the child's own arguments from anything before it; a
// test binary re-executed as a child never parses its flags, but keeping the
// marker makes the command line readable in ps.
const argMarker = "-lab-child-args"

func childArgs(args []string) []string {
	for i, a := range args {
		if a == argMarker {
			return args[i+1:]
		}
	}
	return nil
}

// A Spec says how to run one program.
type Spec struct {
	Program string
	Args    []string
	// Env holds extra environment entries (GOMAXPROCS=2, GODEBUG=...).
	// They are appended to the parent's environment and win over it.
	Env []string
	// Timeout kills the child when it runs longer; zero means no limit.
	Timeout time.Duration
	// Stdout and Stderr, when set, receive the child's output as it is
	// written, in addition to the copy kept in the Result.
	Stdout, Stderr io.Writer
	// Executable overrides the binary to run (default: this one). Used to
	// run the gccgo probe, which is not this binary.
	Executable string
}

// A Result is what a child did.
type Result struct {
	Program  string
	ExitCode int // -1 when the child was killed (timeout) or died by a signal
	TimedOut bool
	Elapsed  time.Duration
	Stdout   []byte
	Stderr   []byte
}

// Run starts the child, waits for it and returns what it did. The error is
// for failures to run at all (no executable, cannot fork), never for the
// child's own non-zero exit status, which is in the Result.
func Run(ctx context.Context, s Spec) (Result, error) {
	exe := s.Executable
	args := s.Args
	if exe == "" {
		if _, ok := programs[s.Program]; !ok {
			return Result{}, fmt.Errorf("no lab program named %q", s.Program)
		}
		self, err := os.Executable()
		if err != nil {
			return Result{}, fmt.Errorf("finding this executable to re-run it as a child: %w", err)
		}
		exe = self
		args = append([]string{argMarker}, s.Args...)
	}
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), s.Env...)
	if s.Executable == "" {
		cmd.Env = append(cmd.Env, EnvVar+"="+s.Program)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = tee(&stdout, s.Stdout)
	cmd.Stderr = tee(&stderr, s.Stderr)
	start := time.Now()
	err := cmd.Run()
	res := Result{
		Program: s.Program,
		Elapsed: time.Since(start),
		Stdout:  stdout.Bytes(),
		Stderr:  stderr.Bytes(),
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		res.ExitCode = 0
	case errors.As(err, &ee):
		res.ExitCode = ee.ExitCode()
		res.TimedOut = ctx.Err() != nil
	default:
		return res, fmt.Errorf("running %s: %w", exe, err)
	}
	return res, nil
}

func tee(buf *bytes.Buffer, w io.Writer) io.Writer {
	if w == nil {
		return buf
	}
	return io.MultiWriter(buf, w)
}

var fatalRE = regexp.MustCompile(`(?m)^fatal error: (.+)$`)

// Fatal returns the message of the first "fatal error: ..." line the Go
// runtime printed, or "" when there is none.
func (r Result) Fatal() string {
	m := fatalRE.FindSubmatch(r.Stderr)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(string(m[1]))
}

// Crashed reports whether the child died of the given runtime fatal error:
// exit status 2 and that exact message.
func (r Result) Crashed(fatal string) bool {
	return r.ExitCode == 2 && r.Fatal() == fatal
}

// Line returns the first line of stdout that starts with prefix, without the
// prefix, and whether there was one. Programs report figures as
// "prefix value" lines.
func (r Result) Line(prefix string) (string, bool) {
	for _, l := range strings.Split(string(r.Stdout), "\n") {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// Excerpt returns the first line of stderr that says what happened (a fatal
// error or panic line when there is one), shortened for a table cell.
func (r Result) Excerpt() string {
	lines := strings.Split(strings.TrimSpace(string(r.Stderr)), "\n")
	pick := ""
	for _, l := range lines {
		if strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "panic:") {
			pick = l
			break
		}
	}
	if pick == "" && len(lines) > 0 {
		pick = lines[0]
	}
	const max = 80
	if len(pick) > max {
		pick = pick[:max-3] + "..."
	}
	return pick
}
