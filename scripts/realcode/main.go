// Command realcode runs mapvet on real modules at pinned versions and
// compares what it finds with reviewed expectations (scripts/realcode.sh),
// or on the pre-fix versions of real map races (scripts/realbugs.sh). The
// logic is in internal/realcode; docs/mapvet-realcode.md and
// docs/mapvet-realbugs.md say what is measured and how.
//
// Usage:
//
//	realcode code [flags]   # the real-code set of issue 12
//	realcode bugs [flags]   # the eight real races of issue 13
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/mapsafe/mapsafe/internal/cli"
	"github.com/mapsafe/mapsafe/internal/realcode"
)

func main() { cli.Main("realcode", run) }

type flags struct {
	only     string
	vet      bool
	timeout  time.Duration
	memGB    float64
	work     string
	data     string
	results  string
	reuse    bool
	out      string
	mapvet   string
	fs       *flag.FlagSet
	commandL string
}

func run(env cli.Env) error {
	if len(env.Args) == 0 || (env.Args[0] != "code" && env.Args[0] != "bugs") {
		return cli.Usagef("usage: realcode code|bugs [flags] (see scripts/realcode.sh, scripts/realbugs.sh)")
	}
	mode := env.Args[0]
	f := flags{fs: flag.NewFlagSet("realcode "+mode, flag.ContinueOnError)}
	f.fs.SetOutput(env.Stderr)
	defData := "scripts/realcode/expect.txt"
	if mode == "bugs" {
		defData = "scripts/realcode/realbugs.txt"
	}
	f.fs.StringVar(&f.only, "only", "", "comma-separated target (or case) names to run (default: all but the extra ones)")
	f.fs.BoolVar(&f.vet, "vet", mode == "code", "also time go vet on the same packages")
	f.fs.DurationVar(&f.timeout, "timeout", 20*time.Minute, "time limit of each command")
	f.fs.Float64Var(&f.memGB, "mem", 10, "address-space cap of each command, in GB (ulimit -v)")
	f.fs.StringVar(&f.work, "work", filepath.Join(os.TempDir(), "mapsafe-realcode"), "where module copies and scratch modules are kept")
	f.fs.StringVar(&f.data, "data", defData, "the expectations (code) or cases (bugs) file")
	f.fs.StringVar(&f.results, "results", "", "where to save the raw results as JSON (default: WORK/MODE-results.json)")
	f.fs.BoolVar(&f.reuse, "reuse", false, "compare the saved results again instead of running")
	f.fs.StringVar(&f.out, "o", "", "also write the report to this file")
	f.fs.StringVar(&f.mapvet, "mapvet", "", "the mapvet binary (default: build ./cmd/mapvet of this checkout)")
	if err := f.fs.Parse(env.Args[1:]); err != nil {
		return cli.Exit(2, nil)
	}
	if f.fs.NArg() > 0 {
		return cli.Usagef("unexpected arguments %q", f.fs.Args())
	}
	f.commandL = "scripts/real" + mode + ".sh " + strings.Join(env.Args[1:], " ")
	if f.results == "" {
		f.results = filepath.Join(f.work, mode+"-results.json")
	}
	if err := os.MkdirAll(f.work, 0o755); err != nil {
		return err
	}
	var w io.Writer = env.Stdout
	if f.out != "" {
		file, err := os.Create(f.out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = io.MultiWriter(env.Stdout, file)
	}
	logf := func(format string, args ...any) {
		fmt.Fprintf(env.Stderr, "%s realcode: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	if mode == "bugs" {
		return bugs(f, w, logf)
	}
	return code(f, w, logf)
}

func selected(only string, name string, extra bool) bool {
	if only == "" {
		return !extra
	}
	for _, n := range strings.Split(only, ",") {
		if strings.TrimSpace(n) == name {
			return true
		}
	}
	return false
}

// options builds mapvet (unless given) and returns the run options.
func options(f flags, logf func(string, ...any)) (realcode.Options, error) {
	o := realcode.Options{
		Mapvet: f.mapvet, Work: f.work, Vet: f.vet, Log: logf,
		Limits: realcode.Limits{Timeout: f.timeout, MemKB: int64(f.memGB * 1024 * 1024)},
	}
	if o.Mapvet == "" {
		o.Mapvet = filepath.Join(f.work, "mapvet")
		logf("building ./cmd/mapvet")
		if out, err := exec.Command("go", "build", "-o", o.Mapvet, "./cmd/mapvet").CombinedOutput(); err != nil {
			return o, fmt.Errorf("building mapvet: %v\n%s", err, out)
		}
	}
	abs, err := filepath.Abs(o.Mapvet)
	o.Mapvet = abs
	return o, err
}

// header says what was run, when, on which commit, with which command.
func header(w io.Writer, f flags) {
	commit, _ := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	dirty, _ := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output()
	state := strings.TrimSpace(string(commit))
	if len(dirty) > 0 {
		state += " (with uncommitted changes)"
	}
	gov, _ := exec.Command("go", "env", "GOVERSION").Output()
	fmt.Fprintf(w, "Run of %s on %s: mapsafe %s, %s, %d-minute timeout and %.0f GB address-space cap per command.\n\n",
		"`"+strings.TrimSpace(f.commandL)+"`", time.Now().UTC().Format("2006-01-02 15:04 UTC"), state, strings.TrimSpace(string(gov)), int(f.timeout.Minutes()), f.memGB)
}

func saveJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(name, b, 0o644)
}

func loadJSON(name string, v any) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}

func code(f flags, w io.Writer, logf func(string, ...any)) error {
	exp, err := realcode.LoadExpectations(f.data)
	if err != nil {
		return err
	}
	var results []realcode.Result
	if f.reuse {
		if err := loadJSON(f.results, &results); err != nil {
			return err
		}
	} else {
		var targets []realcode.Target
		for _, t := range realcode.Set {
			if selected(f.only, t.Name, t.Extra) {
				targets = append(targets, t)
			}
		}
		if len(targets) == 0 {
			return cli.Usagef("-only %q names no target", f.only)
		}
		o, err := options(f, logf)
		if err != nil {
			return err
		}
		header(w, f)
		// One target at a time: a run can take gigabytes.
		for _, t := range targets {
			results = append(results, realcode.Run(t, o))
			if err := saveJSON(f.results, results); err != nil {
				return err
			}
		}
	}
	rep := realcode.NewReport(results, exp)
	rep.WriteMarkdown(w)
	failed := false
	for _, r := range results {
		if r.Error != "" {
			failed = true
		}
	}
	if rep.Failed() {
		return fmt.Errorf("findings without a verdict (listed above): review them and add them to %s", f.data)
	}
	if failed {
		return fmt.Errorf("some targets failed (listed above)")
	}
	return nil
}
