// Package repro reproduces each of the Go runtime's fatal map errors on
// demand, and runs the same program with its fix.
//
// # Why the programs crash every time
//
// The runtime detects a race with a flag on the map: a write sets it after
// hashing the key and clears it before returning; every read, iteration step,
// clone and write checks it first and calls fatal when it is set. A race is
// caught only when one goroutine checks while another is inside a write's
// flagged section. Two things make that near certain, and were measured to
// (docs/repro.md):
//
//   - both sides are kept hot in loops, so checks and flagged sections follow
//     each other without pause instead of happening once;
//   - GOMAXPROCS is at least 2, so the two goroutines run on two threads: the
//     kernel interleaves them at any instruction even when only one CPU is
//     free, including in the middle of a write. With GOMAXPROCS=1 the Go
//     scheduler never switches goroutines inside the runtime's map code, and
//     the programs run for seconds without crashing.
//
// The keys are long strings that share all but their last 8 bytes, so each
// write of an existing key compares 1 KiB inside its flagged section. That
// lengthens the window, but on the 2-core machine we measured no difference
// against int keys (-keys int): hot loops on two threads already catch the
// race within milliseconds.
//
// The article's reproducer (a deferred range that breaks at once, a goroutine
// that writes once after a sleep) has neither; claim 1 in lab/claims
// measures how rarely it crashes.
//
// Each program runs in a child process (see lab/child): a fatal error cannot
// be recovered, and the parent must survive to report it.
package repro

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/mapsafe/mapsafe/lab/child"
)

// A Repro is one reproducer: a program that dies of Fatal, and its fix.
type Repro struct {
	Name  string
	Fatal string // the runtime's message, after "fatal error: "
	Shape string // what the racing program does
	Fix   string // what the fixed program does instead

	raceLong  func(*Workload[string])
	raceInt   func(*Workload[int])
	fixedLong func(*Workload[string]) string
	fixedInt  func(*Workload[int]) string
}

// All lists the reproducers in the order the runtime's messages are usually
// documented.
var All = []Repro{
	{
		Name:      "writes",
		Fatal:     "concurrent map writes",
		Shape:     "two goroutines overwrite existing keys in a loop",
		Fix:       "both writers hold one sync.Mutex around each write",
		raceLong:  raceWrites[string],
		raceInt:   raceWrites[int],
		fixedLong: fixedWrites[string],
		fixedInt:  fixedWrites[int],
	},
	{
		Name:      "read-write",
		Fatal:     "concurrent map read and map write",
		Shape:     "one goroutine overwrites existing keys in a loop, another looks keys up in a loop",
		Fix:       "the map is a sync.Map (a concurrent map): Store and Load instead of m[k]",
		raceLong:  raceReadWrite[string],
		raceInt:   raceReadWrite[int],
		fixedLong: fixedReadWrite[string],
		fixedInt:  fixedReadWrite[int],
	},
	{
		Name:      "iteration",
		Fatal:     "concurrent map iteration and map write",
		Shape:     "one goroutine overwrites existing keys in a loop, another ranges over the map in a loop",
		Fix:       "the writer holds a sync.RWMutex, the range holds its read lock",
		raceLong:  raceIteration[string],
		raceInt:   raceIteration[int],
		fixedLong: fixedIteration[string],
		fixedInt:  fixedIteration[int],
	},
	{
		Name:      "clone",
		Fatal:     "concurrent map clone and map write",
		Shape:     "one goroutine overwrites existing keys in a loop, another calls maps.Clone in a loop",
		Fix:       "the writer holds a sync.RWMutex, maps.Clone runs under its read lock",
		raceLong:  raceClone[string],
		raceInt:   raceClone[int],
		fixedLong: fixedClone[string],
		fixedInt:  fixedClone[int],
	},
	{
		Name:  "defer",
		Fatal: "concurrent map iteration and map write",
		Shape: "the article's shape: a function starts a goroutine that writes to the map, " +
			"ranges over the map in a deferred function, and returns once the writer is running; " +
			"it is called again until it crashes",
		Fix: "the deferred function takes a snapshot (maps.Clone) under the mutex the writer " +
			"holds, and ranges over the snapshot",
		raceLong:  raceDefer[string],
		raceInt:   raceDefer[int],
		fixedLong: fixedDefer[string],
		fixedInt:  fixedDefer[int],
	},
}

// Lookup finds a reproducer by name.
func Lookup(name string) (Repro, bool) {
	for _, r := range All {
		if r.Name == name {
			return r, true
		}
	}
	return Repro{}, false
}

// Names returns the reproducers' names in order.
func Names() []string {
	var ns []string
	for _, r := range All {
		ns = append(ns, r.Name)
	}
	return ns
}

// Options change how a reproducer runs. The zero value is the default: the
// racing program, long keys, GOMAXPROCS at least 2, giving up after 3s.
type Options struct {
	Fixed   bool
	Procs   int           // GOMAXPROCS in the child; 0 means at least 2
	Keys    string        // "long" (default) or "int"
	KeySize int           // bytes per long key; 0 means DefaultKeySize
	Timeout time.Duration // the child gives up (exit 1) after this; 0 means DefaultTimeout
}

// Defaults for Options.
const (
	DefaultKeySize = 1024
	DefaultTimeout = 3 * time.Second
)

// args turns options into the child program's command line.
func (o Options) args() []string {
	keys := o.Keys
	if keys == "" {
		keys = "long"
	}
	size := o.KeySize
	if size == 0 {
		size = DefaultKeySize
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	a := []string{
		"-procs", fmt.Sprint(o.Procs),
		"-keys", keys,
		"-size", fmt.Sprint(size),
		"-timeout", timeout.String(),
	}
	if o.Fixed {
		a = append(a, "-fixed")
	}
	return a
}

// Validate reports bad options with the option named.
func (o Options) Validate() error {
	if o.Keys != "" && o.Keys != "long" && o.Keys != "int" {
		return fmt.Errorf("keys %q: want long or int", o.Keys)
	}
	if o.Procs < 0 {
		return fmt.Errorf("procs %d: want 0 (at least 2) or a positive count", o.Procs)
	}
	if o.KeySize != 0 && (o.KeySize < 8 || o.KeySize > 1<<20) {
		return badKeySize(o.KeySize)
	}
	if o.Timeout < 0 {
		return badTimeout(o.Timeout)
	}
	return nil
}

func badKeySize(n int) error           { return fmt.Errorf("key size %d: want 8 to 1048576 bytes", n) }
func badTimeout(d time.Duration) error { return fmt.Errorf("timeout %v: want a positive duration", d) }

// Run runs the reproducer in a child process. The child's stdout and stderr
// are copied to the given writers as they are written; the result carries
// its exit status (2 for a fatal error). The parent's own limit is the
// child's timeout plus a margin, so a wedged child cannot hang the caller.
func Run(ctx context.Context, r Repro, o Options, stdout, stderr io.Writer) (child.Result, error) {
	if err := o.Validate(); err != nil {
		return child.Result{}, err
	}
	limit := o.Timeout
	if limit == 0 {
		limit = DefaultTimeout
	}
	if o.Fixed && limit < 30*time.Second {
		limit = 30 * time.Second // a fixed program's length depends on the machine's load
	}
	return child.Run(ctx, child.Spec{
		Program: programName(r.Name),
		Args:    o.args(),
		Timeout: limit + 10*time.Second,
		Stdout:  stdout,
		Stderr:  stderr,
	})
}

func programName(name string) string { return "repro/" + name }
