package engine

import "fmt"

// Bounds. No function's analysis or summary may grow without bound: a
// check that can run away on one function will, on someone's code. Each
// bound drops what it cannot afford in the direction that keeps findings
// precise — fewer accesses, fewer goroutines, a function given up on —
// never inventing an access, a goroutine or a missing lock. What was
// dropped is counted (Caps) and shown by mapvet -v.
//
// A function over its step budget is given up on: its result is empty and
// its summary says nothing (callers take it for a function that touches no
// map, takes no lock and starts no goroutine). The other bounds trim.

// Limits bound one function's analysis.
type Limits struct {
	// Steps is the number of instructions the dataflow may visit in one
	// function, over all its passes (mapvet -budget).
	Steps int
	// Goroutines is how many goroutine starts (direct or through calls)
	// one function tracks; later starts are dropped.
	Goroutines int
	// Accesses is how many accesses one summary carries (after merging
	// the same operation reached through several calls).
	Accesses int
	// Spawns is how many running goroutines one summary leaves to its
	// callers.
	Spawns int
	// Calls is how many calls of function values (dyncall.go) one summary
	// leaves to its callers to resolve.
	Calls int
}

// DefaultLimits are the limits mapvet uses unless told otherwise. The
// largest function of the real-code evaluation's modules takes a few
// hundred thousand steps; gRPC's generated and handwritten code a few
// thousand (docs/mapvet-realcode.md).
var DefaultLimits = Limits{Steps: 2_000_000, Goroutines: 64, Accesses: 1024, Spawns: 16, Calls: 16}

// orDefault returns l with its zero fields set from DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits
	if l.Steps > 0 {
		d.Steps = l.Steps
	}
	if l.Goroutines > 0 {
		d.Goroutines = l.Goroutines
	}
	if l.Accesses > 0 {
		d.Accesses = l.Accesses
	}
	if l.Spawns > 0 {
		d.Spawns = l.Spawns
	}
	if l.Calls > 0 {
		d.Calls = l.Calls
	}
	return d
}

// Caps counts what the bounds dropped in one package.
type Caps struct {
	OverBudget []string // functions given up on (Steps)
	Goroutines int      // goroutine starts dropped
	Accesses   int      // summary accesses dropped
	Spawns     int      // running goroutines dropped from summaries
	Calls      int      // calls of function values dropped from summaries
	Refs       int      // map or lock resolutions cut short (package ref)
}

// Add adds c's counts to d.
func (d *Caps) Add(c Caps) {
	d.OverBudget = append(d.OverBudget, c.OverBudget...)
	d.Goroutines += c.Goroutines
	d.Accesses += c.Accesses
	d.Spawns += c.Spawns
	d.Calls += c.Calls
	d.Refs += c.Refs
}

// Zero reports whether nothing was dropped.
func (d Caps) Zero() bool {
	return len(d.OverBudget) == 0 && d.Goroutines == 0 && d.Accesses == 0 && d.Spawns == 0 && d.Calls == 0 && d.Refs == 0
}

func (d Caps) String() string {
	return fmt.Sprintf("%d function(s) over the step budget, %d goroutine start(s), %d summary access(es), %d running goroutine(s) and %d function-value call(s) in summaries, %d reference resolution(s) cut",
		len(d.OverBudget), d.Goroutines, d.Accesses, d.Spawns, d.Calls, d.Refs)
}

// errBudget stops the analysis of a function over its step budget.
type errBudget struct{}

// step counts one visited instruction against the function's budget.
func (a *funcAnalysis) step() {
	a.steps++
	if a.steps > a.e.limits.Steps {
		panic(errBudget{})
	}
}
