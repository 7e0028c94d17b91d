package claims

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"github.com/mapsafe/mapsafe/internal/cli"
)

// Command is maplab claims.
func Command(env cli.Env) error {
	fs := flag.NewFlagSet("claims", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	asJSON := fs.Bool("json", false, "print a JSON array of {id, claim, verdict, evidence}")
	run := fs.String("run", "", "run only the claims whose ID matches this regular expression (anchored)")
	verbose := fs.Bool("v", false, "list every child process under its claim")
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, `usage: maplab claims [-json] [-run REGEXP] [-v]

Runs one experiment per claim of the article, each in child processes (on
gccgo's classic map too, for claims about the Go <= 1.23 internals), and
prints the claim, the verdict the experiment produced and its evidence.
Verdicts: holds, does-not-hold, classic-only (holds for the classic map, not
for Swiss tables), inconclusive (the experiment's control failed). Exit
status 1 when an experiment could not run or was inconclusive.

flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(env.Args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return cli.Exit(2, nil)
	}
	if fs.NArg() > 0 {
		return cli.Usagef("claims: unexpected argument %q", fs.Arg(0))
	}
	var filter *regexp.Regexp
	if *run != "" {
		var err error
		if filter, err = regexp.Compile("^(?:" + *run + ")$"); err != nil {
			return cli.Usagef("claims: -run %q: %v", *run, err)
		}
		if len(Select(filter)) == 0 {
			return cli.Usagef("claims: -run %q matches no claim ID (IDs: %s)", *run, strings.Join(IDs(), " "))
		}
	}

	ctx := context.Background()
	lab, cleanup := NewLab(ctx, Select(filter))
	defer cleanup()
	results := Run(ctx, lab, filter, nil)

	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	} else {
		PrintTable(env.Stdout, lab, results, *verbose)
	}
	failed := 0
	for _, r := range results {
		if r.Error != "" || r.Verdict == Inconclusive {
			failed++
		}
	}
	if failed > 0 {
		return cli.Exit(1, fmt.Errorf("claims: %d of %d experiments gave no verdict (see their evidence)", failed, len(results)))
	}
	return nil
}

// NewLab prepares what the given claims need: the go command, and the
// gccgo probe when one of them is about the classic map. Failures are kept
// in the Lab and reported by the claims that needed them.
func NewLab(ctx context.Context, claims []Claim) (*Lab, func()) {
	lab := &Lab{}
	lab.GoCmd, _ = exec.LookPath("go")
	needProbe := false
	for _, c := range claims {
		needProbe = needProbe || c.Classic
	}
	if !needProbe {
		return lab, func() {}
	}
	dir, err := os.MkdirTemp("", "maplab-probe-")
	if err != nil {
		lab.ProbeErr = err
		return lab, func() {}
	}
	lab.Probe, lab.ProbeErr = BuildProbe(ctx, lab.GoCmd, dir)
	return lab, func() { os.RemoveAll(dir) }
}

// Select returns the claims whose IDs match filter (nil: all).
func Select(filter *regexp.Regexp) []Claim {
	var cs []Claim
	for _, c := range All {
		if filter == nil || filter.MatchString(c.ID) {
			cs = append(cs, c)
		}
	}
	return cs
}

// IDs lists the claim IDs.
func IDs() []string {
	var ids []string
	for _, c := range All {
		ids = append(ids, c.ID)
	}
	return ids
}

// PrintTable prints results as a table: ID, verdict, the claim, then the
// evidence indented under it.
func PrintTable(w io.Writer, lab *Lab, results []Result, verbose bool) {
	fmt.Fprintf(w, "current toolchain: %s\n", gcRuntime())
	switch {
	case lab.Probe != nil:
		fmt.Fprintf(w, "classic map: gccgo probe (lab/mapprobe) built in %v\n", lab.Probe.BuildTime.Round(100*time.Millisecond))
	case lab.ProbeErr != nil:
		fmt.Fprintf(w, "classic map: unavailable: %v\n", firstLine(lab.ProbeErr.Error()))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-4s %-14s %s\n", "ID", "VERDICT", "CLAIM")
	for _, r := range results {
		verdict := string(r.Verdict)
		if r.Error != "" {
			verdict = "error"
		}
		fmt.Fprintf(w, "%-4s %-14s %s\n", r.ID, verdict, r.Claim)
		text := r.Evidence.Summary
		if r.Error != "" {
			text = "experiment failed: " + r.Error
		}
		for _, l := range wrap(text, 96) {
			fmt.Fprintf(w, "%19s%s\n", "", l)
		}
		if verbose {
			for _, run := range r.Evidence.Runs {
				line := fmt.Sprintf("· %s [%s] exit %d in %d ms", run.What, run.Runtime, run.Exit, run.ElapsedMS)
				if run.Stderr != "" {
					line += ": " + run.Stderr
				}
				for _, l := range wrap(line, 96) {
					fmt.Fprintf(w, "%19s%s\n", "", l)
				}
			}
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// wrap breaks text into lines of at most width runes at spaces.
func wrap(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
				lines = append(lines, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}
