package claims

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mapsafe/mapsafe/lab/child"
)

// Claims about when the map fatal errors happen and what prevents them:
// 1, 3, 4, 5 and 6a-6c.

// articleRuns is how often claim 1 runs the article's reproducer: enough
// that "always" is tested, cheap (about 10 ms a run).
const articleRuns = 50

// ev1: the article's reproducer, run articleRuns times.
type ev1 struct {
	Runs      int
	Crashes   int // exit 2 with a map fatal error
	Outcomes  map[outcome]int
	Recovered int // runs that printed "recovered:"
}

func (e ev1) verdict() Verdict {
	switch {
	case e.Runs == 0:
		return Inconclusive
	case e.Crashes == e.Runs:
		return Holds
	default:
		return DoesNotHold
	}
}

func (e ev1) summary() string {
	return fmt.Sprintf("the article's reproducer crashed in %d of %d runs (%s)", e.Crashes, e.Runs, histogram(e.Outcomes))
}

func measure1(ctx context.Context, t *trial) (evidence, error) {
	counts, err := t.repeat(ctx, "the article's chapter 1 program", child.Spec{Program: "claims/article", Timeout: 30 * time.Second}, articleRuns)
	if err != nil {
		return nil, err
	}
	e := ev1{Runs: articleRuns, Outcomes: counts}
	for o, n := range counts {
		if o.Exit == 2 && isMapFatal(o.Fatal) {
			e.Crashes += n
		}
	}
	return e, nil
}

// ev3: a racing program with a deferred recover in both goroutines, and the
// control (the same recover catches an ordinary run-time panic).
type ev3 struct {
	Exit      int
	Fatal     string
	Recovered string // what the recover in the racing program caught, if anything
	Control   string // what the control's recover caught
}

func (e ev3) verdict() Verdict {
	switch {
	case e.Control == "":
		return Inconclusive // recover was not wired right: says nothing
	case e.Recovered != "":
		return Holds
	case e.Exit == 2 && isMapFatal(e.Fatal):
		return DoesNotHold
	default:
		return Inconclusive // no race was seen: recover was not tested
	}
}

func (e ev3) summary() string {
	s := fmt.Sprintf("racing program with recover() deferred in both goroutines: exit %d", e.Exit)
	if e.Fatal != "" {
		s += ", fatal error: " + e.Fatal
	}
	if e.Recovered != "" {
		s += ", recovered " + e.Recovered
	} else {
		s += ", nothing recovered"
	}
	return s + fmt.Sprintf("; control: the same recover caught %q", e.Control)
}

func measure3(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "writer and range race, recover deferred in both", child.Spec{Program: "claims/recover-fatal"})
	if err != nil {
		return nil, err
	}
	ctl, err := t.child(ctx, "control: recover of a nil-map assignment panic", child.Spec{Program: "claims/recover-panic"})
	if err != nil {
		return nil, err
	}
	e := ev3{Exit: res.ExitCode, Fatal: res.Fatal()}
	e.Recovered, _ = res.Line("recovered:")
	e.Control, _ = ctl.Line("recovered:")
	return e, nil
}

// ev4: maps.Keys collected in the deferred function while the function's
// goroutine writes, called for up to 3 s.
type ev4 struct {
	Exit  int
	Fatal string
	Calls int // calls completed, when the program ran to its end
}

func (e ev4) verdict() Verdict {
	switch {
	case e.Exit == 2 && isMapFatal(e.Fatal):
		return DoesNotHold
	case e.Exit == 0 && e.Calls > 0:
		return Holds
	default:
		return Inconclusive
	}
}

func (e ev4) summary() string {
	if e.Exit == 0 {
		return fmt.Sprintf("%d calls snapshotting with slices.Collect(maps.Keys(m)) in the deferred function completed without a crash (exit 0)", e.Calls)
	}
	return fmt.Sprintf("the snapshot slices.Collect(maps.Keys(m)) in the deferred function ranges over m itself: exit %d, fatal error: %s", e.Exit, e.Fatal)
}

func measure4(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "maps.Keys snapshot in a deferred function while the goroutine writes", child.Spec{Program: "claims/keys-in-defer"})
	if err != nil {
		return nil, err
	}
	e := ev4{Exit: res.ExitCode, Fatal: res.Fatal()}
	if res.ExitCode == 0 {
		if e.Calls, err = figureInt(res, "calls"); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// ev5: a range under RWMutex.RLock against writes under Lock for 300 ms,
// and the control: the same without the lock.
type ev5 struct {
	Exit           int
	Fatal          string
	Ranges, Writes int
	ControlExit    int
	ControlFatal   string
}

func (e ev5) verdict() Verdict {
	controlRaced := e.ControlExit == 2 && isMapFatal(e.ControlFatal)
	switch {
	case e.Exit == 2 && isMapFatal(e.Fatal):
		return Holds
	case e.Exit == 0 && e.Ranges > 0 && e.Writes > 0 && controlRaced:
		return DoesNotHold
	default:
		return Inconclusive
	}
}

func (e ev5) summary() string {
	locked := fmt.Sprintf("exit %d", e.Exit)
	if e.Fatal != "" {
		locked += ", fatal error: " + e.Fatal
	}
	if e.Exit == 0 {
		locked = fmt.Sprintf("exit 0 after %d ranges under RLock and %d writes under Lock", e.Ranges, e.Writes)
	}
	ctl := fmt.Sprintf("exit %d", e.ControlExit)
	if e.ControlFatal != "" {
		ctl += ", fatal error: " + e.ControlFatal
	}
	return fmt.Sprintf("with the RWMutex: %s; the same program without it: %s", locked, ctl)
}

func measure5(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "range under RLock, writes under Lock, 300 ms", child.Spec{Program: "claims/rwmutex-range"})
	if err != nil {
		return nil, err
	}
	ctl, err := t.child(ctx, "control: the same without the lock", child.Spec{Program: "claims/unlocked-range"})
	if err != nil {
		return nil, err
	}
	e := ev5{Exit: res.ExitCode, Fatal: res.Fatal(), ControlExit: ctl.ExitCode, ControlFatal: ctl.Fatal()}
	if res.ExitCode == 0 {
		if e.Ranges, err = figureInt(res, "ranges"); err != nil {
			return nil, err
		}
		if e.Writes, err = figureInt(res, "writes"); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// evSafe is the evidence of the single-goroutine claims 6a-6c: a program
// that ran the pattern many times, and whether it crashed or panicked.
type evSafe struct {
	// ClaimsSafe: the claim says the pattern is safe (6a); otherwise it
	// says it is unsafe (6b, 6c).
	ClaimsSafe bool
	Exit       int
	Failure    string // the fatal error or panic line, if any
	Done       int    // repetitions completed
	Consistent bool   // the program's own figures add up (see each measure)
	Detail     string
}

func (e evSafe) verdict() Verdict {
	failed := e.Exit != 0 || e.Failure != ""
	var safe bool
	switch {
	case failed:
		safe = false
	case e.Done > 0 && e.Consistent:
		safe = true
	default:
		return Inconclusive
	}
	if safe == e.ClaimsSafe {
		return Holds
	}
	return DoesNotHold
}

func (e evSafe) summary() string {
	if e.Exit != 0 || e.Failure != "" {
		return fmt.Sprintf("exit %d: %s", e.Exit, e.Failure)
	}
	return fmt.Sprintf("exit 0: %s", e.Detail)
}

func failureLine(r child.Result) string {
	if f := r.Fatal(); f != "" {
		return "fatal error: " + f
	}
	for _, l := range strings.Split(string(r.Stderr), "\n") {
		if strings.HasPrefix(l, "panic:") {
			return l
		}
	}
	return ""
}

func measure6a(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "range, then write, 2000 times in one goroutine", child.Spec{Program: "claims/write-after-range"})
	if err != nil {
		return nil, err
	}
	e := evSafe{ClaimsSafe: true, Exit: res.ExitCode, Failure: failureLine(res)}
	if res.ExitCode == 0 {
		if e.Done, err = figureInt(res, "rounds"); err != nil {
			return nil, err
		}
		n, err := figureInt(res, "final len")
		if err != nil {
			return nil, err
		}
		e.Consistent = n == 8+e.Done
		e.Detail = fmt.Sprintf("%d rounds of range-then-write (the map grew from 8 to %d entries)", e.Done, n)
	}
	return e, nil
}

func measure6b(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "deferred range, body writes 999 new keys, one goroutine, 200 calls", child.Spec{Program: "claims/defer-range-body-writes"})
	if err != nil {
		return nil, err
	}
	e := evSafe{ClaimsSafe: false, Exit: res.ExitCode, Failure: failureLine(res)}
	if res.ExitCode == 0 {
		if e.Done, err = figureInt(res, "calls"); err != nil {
			return nil, err
		}
		all, err := figureInt(res, "deferred ranges that saw all 1000 entries")
		if err != nil {
			return nil, err
		}
		e.Consistent = all == e.Done
		e.Detail = fmt.Sprintf("%d calls whose body grew the map from 1 to 1000 entries before the deferred range ran; %d deferred ranges saw all 1000 entries", e.Done, all)
	}
	return e, nil
}

func measure6c(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "delete every entry while ranging, one goroutine", child.Spec{Program: "claims/delete-in-range"})
	if err != nil {
		return nil, err
	}
	e := evSafe{ClaimsSafe: false, Exit: res.ExitCode, Failure: failureLine(res)}
	if res.ExitCode == 0 {
		before, err := figureInt(res, "entries before")
		if err != nil {
			return nil, err
		}
		visited, err := figureInt(res, "visited")
		if err != nil {
			return nil, err
		}
		after, err := figureInt(res, "len after")
		if err != nil {
			return nil, err
		}
		e.Done = visited
		e.Consistent = visited == before && after == 0
		e.Detail = fmt.Sprintf("deleted each of %d entries in its own iteration: %d visited, len %d after", before, visited, after)
	}
	return e, nil
}
