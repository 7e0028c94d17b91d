// Package interleave runs simulated goroutines over one classic map, one
// runtime step at a time, to show when the map's concurrency checks fire.
//
// The classic runtime has no lock. A write sets the hashWriting flag after
// hashing the key and clears it when done; a write, a read and mapiternext
// check the flag once, at entry, and a write checks it again at exit. The
// fatal errors "concurrent map writes", "concurrent map read and map
// write" and "concurrent map iteration and map write" come only from these
// checks. Whether they fire depends on where the other goroutine is when a
// check runs, which this package makes explicit:
//
//	writer:   op-start ─ writing ─ grow/evacuate/insert … ─ op-end
//	                     └──────── hashWriting set ───────┘
//	iterator:                   iter-check  ← fires here: the flag is set
//
// Each goroutine is a list of operations (classic/op) run in its own
// coroutine (iter.Pull);
// every event the map emits is a point where the scheduler may switch to
// another goroutine. A schedule says which goroutine takes each step. One
// goroutine alone can never see the flag set at one of its own checks: its
// write has always finished (op-end) before its next map call starts, which
// is why writing to a map inside a range over it in the same goroutine
// never crashes. Explore enumerates every schedule of small programs and
// counts which end in which fatal error.
package interleave

import (
	"errors"
	"fmt"
	"iter"

	"github.com/mapsafe/mapsafe/classic"
	"github.com/mapsafe/mapsafe/classic/op"
)

// Goroutine is a named program: operations of the classic/op language
// run one after another on the shared map, with a range of its own.
type Goroutine struct {
	Name string
	Ops  []op.Op
}

// Step is one event and the goroutine whose action caused it.
type Step struct {
	G     int           `json:"g"`
	Event classic.Event `json:"event"`
	// State is the map after the event (only with Options.Snapshots).
	State *classic.State `json:"state,omitempty"`
	// Writing lists, after the event, which goroutines are inside a write
	// (between op-start and op-end).
	Writing []bool `json:"writing"`
	// Flags is hmap.flags after the event; FlagHashWriting is the bit the
	// checks look at.
	Flags uint8 `json:"flags"`
}

// Fatal is how a run died.
type Fatal struct {
	Message string `json:"message"` // the runtime's text, e.g. "concurrent map writes"
	Check   string `json:"check"`   // which check fired: entry, exit, read or iterator check
	G       int    `json:"g"`       // the goroutine whose check fired
	Step    int    `json:"step"`    // index in Result.Steps of the throw event
	// Writers are the other goroutines in the middle of a write when the
	// check fired. The real runtime prints only the goroutine that noticed.
	Writers []int `json:"writers"`
}

// Result is a finished run.
type Result struct {
	Goroutines []Goroutine `json:"goroutines"`
	Schedule   []int       `json:"schedule"` // the goroutine that took each step
	Steps      []Step      `json:"steps"`
	Fatal      *Fatal      `json:"fatal,omitempty"`
}

// Options configure Run.
type Options struct {
	// Snapshots records the map's State after every step.
	Snapshots bool
}

// NewMap makes the map a run starts from; observe must be passed to
// classic.New (or set with SetObserver) so the run sees every event.
type NewMap func(observe func(classic.Event)) (*classic.Map[int, int], error)

var errStopped = errors.New("interleave: goroutine stopped")

// Run executes the goroutines under schedule: each entry gives the
// goroutine that runs until its next event. Entries naming a finished
// goroutine are skipped. When the schedule is used up, the unfinished
// goroutines run to completion one after another. A fatal error ends the
// run, as it ends the real process.
func Run(newMap NewMap, gs []Goroutine, schedule []int, opt Options) (*Result, error) {
	r, err := start(newMap, gs, schedule, opt)
	if err != nil {
		return nil, err
	}
	defer r.close()
	if err := r.follow(schedule); err != nil {
		return nil, err
	}
	for g := range gs {
		for !r.done[g] && r.res.Fatal == nil {
			if err := r.step(g); err != nil {
				return nil, err
			}
		}
	}
	return r.res, nil
}

// start makes the map and the goroutines' coroutines.
func start(newMap NewMap, gs []Goroutine, schedule []int, opt Options) (*runner, error) {
	for _, g := range schedule {
		if g < 0 || g >= len(gs) {
			return nil, fmt.Errorf("interleave: schedule names goroutine %d of %d", g, len(gs))
		}
	}
	r := &runner{gs: gs, opt: opt, res: &Result{Goroutines: gs}, writing: make([]bool, len(gs)),
		yields: make([]func(classic.Event) bool, len(gs)), cur: -1}
	m, err := newMap(r.observe)
	if err != nil {
		return nil, err
	}
	m.SetObserver(r.observe)
	r.m = m
	r.next = make([]func() (classic.Event, bool), len(gs))
	r.stop = make([]func(), len(gs))
	r.done = make([]bool, len(gs))
	for i := range gs {
		r.next[i], r.stop[i] = iter.Pull(r.program(i))
	}
	return r, nil
}

// follow takes the schedule's steps, skipping finished goroutines, until
// the schedule ends or a fatal error.
func (r *runner) follow(schedule []int) error {
	for _, g := range schedule {
		if r.res.Fatal != nil {
			return nil
		}
		if !r.done[g] {
			if err := r.step(g); err != nil {
				return err
			}
		}
	}
	return nil
}

// close stops every coroutine still suspended.
func (r *runner) close() {
	for _, s := range r.stop {
		s()
	}
}

type runner struct {
	gs      []Goroutine
	opt     Options
	m       *classic.Map[int, int]
	res     *Result
	next    []func() (classic.Event, bool)
	stop    []func()
	done    []bool
	yields  []func(classic.Event) bool
	cur     int
	writing []bool
}

// observe receives every event of the map and suspends the goroutine that
// caused it, handing the event to the scheduler.
func (r *runner) observe(e classic.Event) {
	if r.cur < 0 {
		return // events while the map is made
	}
	if !r.yields[r.cur](e) {
		panic(errStopped)
	}
}

// program is goroutine g's coroutine body.
func (r *runner) program(g int) iter.Seq[classic.Event] {
	return func(yield func(classic.Event) bool) {
		defer func() {
			if v := recover(); v != nil && v != errStopped {
				panic(v)
			}
		}()
		r.yields[g] = yield
		s := &classic.Session{Map: r.m}
		for i, o := range r.gs[g].Ops {
			if _, err := s.Apply(o); err != nil {
				// step turns this into Run's error.
				panic(fmt.Errorf("operation %d: %v", i+1, err))
			}
		}
	}
}

// step resumes goroutine g until its next event, its end, or a fatal error.
func (r *runner) step(g int) (err error) {
	r.cur = g
	defer func() { r.cur = -1 }()
	var e classic.Event
	var ok bool
	func() {
		defer func() {
			if v := recover(); v != nil {
				f, isFatal := v.(*classic.Fatal)
				if !isFatal {
					err = fmt.Errorf("interleave: goroutine %s: %v", r.gs[g].Name, v)
					return
				}
				writers := []int{}
				for w, on := range r.writing {
					if on && w != g {
						writers = append(writers, w)
					}
				}
				r.res.Fatal = &Fatal{Message: f.Message, Check: f.Check, G: g, Step: len(r.res.Steps) - 1, Writers: writers}
				r.done[g] = true
			}
		}()
		e, ok = r.next[g]()
	}()
	if err != nil || r.res.Fatal != nil {
		return err
	}
	if !ok {
		r.done[g] = true
		return nil
	}
	switch e.Kind {
	case classic.EvOpStart:
		r.writing[g] = true
	case classic.EvOpEnd:
		r.writing[g] = false
	}
	e.Goroutine = g
	st := Step{G: g, Event: e, Writing: append([]bool(nil), r.writing...), Flags: r.m.Flags()}
	if r.opt.Snapshots {
		s := r.m.State()
		st.State = &s
	}
	r.res.Steps = append(r.res.Steps, st)
	r.res.Schedule = append(r.res.Schedule, g)
	if e.Kind == classic.EvThrow {
		// The runtime dies right here: resume g to collect the fatal
		// error before anyone else runs.
		return r.step(g)
	}
	return nil
}
