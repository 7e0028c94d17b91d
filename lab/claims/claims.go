// Package claims settles the article's claims about Go maps by experiment.
//
// Each claim has an experiment that runs one or more programs in child
// processes (lab/child): on the current toolchain (gc, Swiss-table maps)
// and, for claims about the Go <= 1.23 map internals, also on gccgo, whose
// libgo runtime still has the classic bucket map of Go 1.18 (lab/mapprobe,
// built once with gccgo). The experiment turns what the children did (exit
// status, stderr, the figures they printed) into a typed evidence value, and
// the verdict is a method of that value:
//
//	measure (child processes) ──► evidence ──► verdict()  holds | does-not-hold | classic-only
//	                                     └──► summary()  one line for the table
//
// Nothing maps a claim to a verdict except that method, so a verdict can
// only be as right as the experiment. Tests feed each verdict method
// evidence of every kind, and run every experiment.
//
// An experiment whose own control failed (a racing program that did not
// race, a trace that printed nothing even for a forced GC) yields
// "inconclusive": the claim was not tested, and maplab claims exits 1.
package claims

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/mapsafe/mapsafe/lab/child"
)

// Verdict is what an experiment concluded about a claim.
type Verdict string

const (
	Holds       Verdict = "holds"
	DoesNotHold Verdict = "does-not-hold"
	// ClassicOnly: holds for the classic map (gccgo, the Go 1.18 runtime)
	// and not for the Swiss tables of the current toolchain.
	ClassicOnly Verdict = "classic-only"
	// Inconclusive: the experiment's control failed, so it says nothing
	// about the claim.
	Inconclusive Verdict = "inconclusive"
)

// A Claim is one statement of the article, in our translation, with the
// experiment that tests it.
type Claim struct {
	ID    string
	Title string // a few words for the table
	Text  string // the claim in full
	// Classic marks claims about the Go <= 1.23 map internals, measured on
	// gccgo's classic map as well as on the current toolchain.
	Classic bool
	measure func(context.Context, *trial) (evidence, error)
}

// evidence is what one experiment observed.
type evidence interface {
	verdict() Verdict
	summary() string
}

// Process records one child process of an experiment.
type Process struct {
	What      string            `json:"what"`
	Runtime   string            `json:"runtime"`
	Exit      int               `json:"exit_status"`
	Stderr    string            `json:"stderr_excerpt,omitempty"`
	Figures   map[string]string `json:"figures,omitempty"`
	ElapsedMS int64             `json:"elapsed_ms"`
}

// Evidence is the evidence as reported: a summary with the measured
// figures, and every child process behind it.
type Evidence struct {
	Summary string    `json:"summary"`
	Runs    []Process `json:"runs"`
}

// Result is one claim's outcome.
type Result struct {
	ID       string   `json:"id"`
	Claim    string   `json:"claim"`
	Verdict  Verdict  `json:"verdict"`
	Evidence Evidence `json:"evidence"`
	// Error is set when the experiment could not run (no gccgo, no go
	// command); Verdict is then empty.
	Error   string        `json:"error,omitempty"`
	Elapsed time.Duration `json:"-"`
}

// Lab is what experiments need from the machine.
type Lab struct {
	// Probe is the gccgo-built classic probe; nil when it could not be
	// built, and ProbeErr says why.
	Probe    *Probe
	ProbeErr error
	// GoCmd is the go command, for the claim about -gcflags=-m.
	GoCmd string
}

// trial collects the child processes of one experiment.
type trial struct {
	lab  *Lab
	runs []Process
}

// child runs a gc-side lab program and records it.
func (t *trial) child(ctx context.Context, what string, s child.Spec) (child.Result, error) {
	if s.Timeout == 0 {
		s.Timeout = 60 * time.Second
	}
	res, err := child.Run(ctx, s)
	if err != nil {
		return res, fmt.Errorf("%s: %w", what, err)
	}
	t.record(what, gcRuntime(), res)
	return res, nil
}

func (t *trial) record(what, runtime string, res child.Result) {
	t.runs = append(t.runs, Process{
		What:      what,
		Runtime:   runtime,
		Exit:      res.ExitCode,
		Stderr:    res.Excerpt(),
		Figures:   figures(res.Stdout),
		ElapsedMS: res.Elapsed.Milliseconds(),
	})
}

// Run runs the experiments of the claims whose IDs match filter (nil: all)
// in order, calling report after each.
func Run(ctx context.Context, lab *Lab, filter *regexp.Regexp, report func(Result)) []Result {
	var out []Result
	for _, c := range All {
		if filter != nil && !filter.MatchString(c.ID) {
			continue
		}
		r := RunClaim(ctx, lab, c)
		out = append(out, r)
		if report != nil {
			report(r)
		}
	}
	return out
}

// RunClaim runs one claim's experiment.
func RunClaim(ctx context.Context, lab *Lab, c Claim) Result {
	start := time.Now()
	t := &trial{lab: lab}
	r := Result{ID: c.ID, Claim: c.Text}
	ev, err := c.measure(ctx, t)
	r.Elapsed = time.Since(start)
	r.Evidence.Runs = t.runs
	if r.Evidence.Runs == nil {
		r.Evidence.Runs = []Process{}
	}
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Verdict = ev.verdict()
	r.Evidence.Summary = ev.summary()
	return r
}

// Lookup finds a claim by ID.
func Lookup(id string) (Claim, bool) {
	for _, c := range All {
		if c.ID == id {
			return c, true
		}
	}
	return Claim{}, false
}
