// Package crash is mapvet crash: it reads a Go map crash from a log and
// names the code that wrote the map.
//
// A crash dump says which goroutine noticed the race and where; it does not
// say who else was writing. The source does, up to the usual limits of
// static analysis: mapvet's engine knows every access to every map, with
// the locks held and the goroutines started. mapvet crash joins the two:
//
//	log ──crashlog──▶ reporter's first user frame ──resolve──▶ the access and its map identity
//	                                                             │
//	           engine results of every function ◀────────────────┘
//	                      │ same identity
//	                      ▼
//	            candidates ──judge──▶ ranked (locks, goroutines via the call graph)
//	                      │
//	GOTRACEBACK=all dump ─┴─match──▶ "goroutine 57 was in (*Cache).refresh ..."
//
// The stages are: crashlog (parse the log), resolve.go (the crashing
// access and the map's identity), candidates.go (the other accesses, their
// locks, whether they may run at the same time as the crash, the ranking),
// graph.go (goroutine entry points from a VTA call graph), match.go (the
// dump's goroutines against the candidates), report.go (the typed report
// and its text and JSON forms). engine.go is the only file that reads the
// engine's types. docs/mapvet-crash.md is the user's and the designer's
// guide.
package crash

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mapsafe/mapsafe/internal/cli"
	"github.com/mapsafe/mapsafe/mapvet/crash/crashlog"
)

// Main is the mapvet crash command; args follow the word "crash".
//
// Exit status: 3 when candidates were found, 0 when none, 1 on an error
// (an unreadable log, a crash that is not a map crash or not from these
// packages, no map operation at the crashing line, packages that do not
// load), 2 on bad usage.
func Main(env cli.Env, args []string) error {
	fs := flag.NewFlagSet("mapvet crash", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var (
		jsonOut = fs.Bool("json", false, "print the report as JSON")
		logFile = fs.String("log", "", "read the crash from `file` (default: standard input)")
		n       = fs.Int("n", 5, "print at most `n` candidates per crash")
		tests   = fs.String("tests", "auto", "load test files: true, false, or auto (when the crash comes from a test binary)")
		dir     = fs.String("C", "", "run in `dir`: the packages and the -log file are named relative to it")
	)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, `usage: mapvet crash [-json] [-log file] [-n n] packages...

mapvet crash reads a "fatal error: concurrent map ..." crash from a log (or
standard input) and names the other accesses to the crashed map in the given
packages, most likely writer first. With a GOTRACEBACK=all dump it names the
goroutines that were inside a writer when the program died. Exit status: 3
candidates found, 0 none, 1 error, 2 bad usage.

flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return cli.Exit(2, nil)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return cli.Usagef("crash: no packages given (the packages the crashed binary was built from, e.g. ./...)")
	}
	if *n < 1 {
		return cli.Usagef("crash: -n must be at least 1")
	}
	if *tests != "auto" && *tests != "true" && *tests != "false" {
		return cli.Usagef("crash: -tests must be true, false or auto")
	}
	file := *logFile
	if file != "" && *dir != "" && !filepath.IsAbs(file) {
		file = filepath.Join(*dir, file) // as go -C: names on the command line are in dir
	}
	name, data, err := readLog(env.Stdin, file)
	if err != nil {
		return err
	}
	crashes, err := mapCrashes(name, data, env.Stderr)
	if err != nil {
		return err
	}
	withTests := *tests == "true" || *tests == "auto" && fromTest(crashes)
	p, err := load(*dir, fs.Args(), withTests)
	if err != nil {
		return err
	}
	p.dir = *dir
	reports, failed := p.analyze().explainAll(name, crashes, *n)
	if *jsonOut {
		err = writeJSON(env.Stdout, reports)
	} else {
		err = writeText(env.Stdout, env.Stderr, reports)
	}
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "\n"))
	}
	for _, r := range reports {
		if len(r.Candidates) > 0 {
			return cli.Exit(3, nil)
		}
	}
	return nil
}

// readLog reads the crash log from file, or from stdin when file is "".
func readLog(stdin io.Reader, file string) (string, []byte, error) {
	if file == "" {
		if stdin == nil {
			return "", nil, fmt.Errorf("no -log file and no standard input")
		}
		data, err := io.ReadAll(stdin)
		if err != nil {
			return "", nil, fmt.Errorf("reading standard input: %v", err)
		}
		return "standard input", data, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", nil, err // names the file
	}
	return file, data, nil
}

// mapCrashes parses the log and keeps its map crashes; other crashes are
// mentioned on stderr when there is a map crash besides them, and are the
// error when there is none.
func mapCrashes(name string, data []byte, stderr io.Writer) ([]*crashlog.Crash, error) {
	all, err := crashlog.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	var out, other []*crashlog.Crash
	for _, c := range all {
		if _, ok := fatalKind(c); ok {
			out = append(out, c)
		} else {
			other = append(other, c)
		}
	}
	if len(out) == 0 {
		c := other[0]
		return nil, fmt.Errorf("%s: the crash at line %d is not a map crash: %q (mapvet crash reads \"fatal error: concurrent map ...\" crashes)", name, c.Line, message(c))
	}
	for _, c := range other {
		fmt.Fprintf(stderr, "mapvet crash: %s: skipping the crash at line %d, which is not a map crash: %q\n", name, c.Line, message(c))
	}
	return out, nil
}

func message(c *crashlog.Crash) string {
	if c.Panic {
		return "panic: " + c.Fatal
	}
	return "fatal error: " + c.Fatal
}

// fromTest reports whether a crash came from a test binary: a goroutine
// runs a test (testing.tRunner) or a frame is in a _test.go file.
func fromTest(crashes []*crashlog.Crash) bool {
	for _, c := range crashes {
		for _, g := range c.Goroutines {
			for _, f := range g.Frames {
				if f.Func == "testing.tRunner" || strings.HasSuffix(f.File, "_test.go") {
					return true
				}
			}
		}
	}
	return false
}

// explainAll explains each crash; the crashes it cannot explain come
// back as messages naming the log and the crash's line.
func (an *analysis) explainAll(name string, crashes []*crashlog.Crash, n int) ([]*Report, []string) {
	var reports []*Report
	var failed []string
	for _, c := range crashes {
		r, err := an.explain(c, n)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: crash at line %d: %v", name, c.Line, err))
			continue
		}
		reports = append(reports, r)
	}
	return reports, failed
}

// explain resolves one crash and ranks its candidates.
func (an *analysis) explain(c *crashlog.Crash, n int) (*Report, error) {
	kind, _ := fatalKind(c)
	s, err := an.resolve(c, kind)
	if err != nil {
		return nil, err
	}
	cands := an.candidates(s)
	an.judge(s, cands)
	an.match(c, cands)
	rankAll(s, cands)
	return an.report(c, s, cands, n), nil
}
