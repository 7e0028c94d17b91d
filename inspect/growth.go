package inspect

import (
	"fmt"
	"io"
	"reflect"
)

// Growth tracing replaces the article's advice (GODEBUG=gctrace=1, which
// reports garbage collections, not map growth) with a measurement: compare
// the map's structure before and after, and name what changed.
//
// Swiss maps grow a table at a time: a table doubles up to 1024 slots,
// then splits in two; the small group becomes a 16-slot table at the 9th
// entry. Tables never shrink or merge, and a replaced table is never
// reused, so comparing two snapshots counts every grow exactly: each table
// of the later snapshot descends from one table of the earlier, and its
// capacity and the number of its siblings say how many doublings and
// splits happened.
//
// Classic maps double (B+1) or, after many deletes leave too many
// overflow buckets, grow at the same size; each replaces the bucket
// array. Two snapshots give the doublings exactly (the change of B) but
// hide same-size grows behind one another, so Trace reports Exact=false
// for a classic map whose bucket array changed. A Tracer stepped after
// every write sees each grow on its own (one write starts at most one).

// GrowthKind names one kind of growth.
type GrowthKind string

// The kinds of growth.
const (
	GrowSmallToTable GrowthKind = "small-to-table" // Swiss: the small group became a table
	GrowDouble       GrowthKind = "double"         // Swiss: a table doubled its capacity
	GrowSplit        GrowthKind = "split"          // Swiss: a 1024-slot table split in two
	GrowBuckets      GrowthKind = "double-buckets" // classic: the bucket array doubled (B+1)
	GrowSameSize     GrowthKind = "same-size"      // classic: a same-size grow (too many overflow buckets)
)

// Growth is one growth event.
type Growth struct {
	Kind GrowthKind `json:"kind"`
	// Step is the Tracer.Step call that saw it (1 for the first), 0 for
	// Trace.
	Step int `json:"step"`
	// From and To are slots (Swiss: the table's capacity; a split goes
	// from one 1024-slot table to two) or buckets (classic).
	From int `json:"from"`
	To   int `json:"to"`
}

// String is "step 9: small-to-table 8->16", without the step for a
// Trace (Step 0).
func (g Growth) String() string {
	s := fmt.Sprintf("%s %d->%d", g.Kind, g.From, g.To)
	if g.Step > 0 {
		s = fmt.Sprintf("step %d: %s", g.Step, s)
	}
	return s
}

// Format prints %+v with every field named, Step included, as fmt prints a
// struct ({Kind:double Step:15 From:16 To:32}); other verbs print String.
func (g Growth) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('+'):
		fmt.Fprintf(f, "{Kind:%s Step:%d From:%d To:%d}", g.Kind, g.Step, g.From, g.To)
	case verb == 'v' || verb == 's':
		io.WriteString(f, g.String())
	case verb == 'q':
		fmt.Fprintf(f, "%q", g.String())
	default:
		fmt.Fprintf(f, "%%!%c(inspect.Growth=%s)", verb, g.String())
	}
}

// GrowthReport is what a Trace or a Tracer saw.
type GrowthReport struct {
	Events []Growth `json:"events"`
	// Exact is false when growth may be undercounted: a classic map
	// compared only before and after (see above).
	Exact bool `json:"exact"`
	// DirectoryDoublings counts Swiss directory doublings (each comes
	// with a split of a table at full depth).
	DirectoryDoublings int `json:"directoryDoublings"`
	LenBefore          int `json:"lenBefore"`
	LenAfter           int `json:"lenAfter"`
}

// Count is the number of growth events.
func (r *GrowthReport) Count() int { return len(r.Events) }

// ByKind counts the events of each kind.
func (r *GrowthReport) ByKind() map[GrowthKind]int {
	n := map[GrowthKind]int{}
	for _, g := range r.Events {
		n[g.Kind]++
	}
	return n
}

// Trace runs f and reports how it grew m: f may write m (in this
// goroutine); m must not be written by others meanwhile. The report
// describes the map m refers to, even if f makes its variable refer to
// another map.
func Trace(m any, f func()) (*GrowthReport, error) {
	t, err := NewTracer(m)
	if err != nil {
		return nil, err
	}
	f()
	if err := t.step(false); err != nil {
		return nil, err
	}
	return t.Report(), nil
}

// Tracer follows a map's growth step by step. Call StepKey (or Step)
// after every write for exact per-write events. StepKey costs the same
// whatever the map's size; Step costs time proportional to the number of
// tables (Swiss) and so makes a fill of n keys quadratic. A Tracer holds
// the tables (bucket arrays) it last saw alive until the next step.
type Tracer struct {
	m     any
	rt    reflect.Type
	prev  snapshot
	steps int
	rep   GrowthReport
	kv    reflect.Value // StepKey's key, reused
}

// NewTracer starts following m.
func NewTracer(m any) (*Tracer, error) {
	if m == nil {
		return nil, fmt.Errorf("inspect: nil interface, not a map")
	}
	rt := reflect.TypeOf(m)
	if rt.Kind() != reflect.Map {
		return nil, fmt.Errorf("inspect: %s is not a map", rt)
	}
	if _, err := checkRuntime(); err != nil {
		return nil, fmt.Errorf("inspect: %v", err)
	}
	if reflect.ValueOf(m).IsNil() {
		return nil, fmt.Errorf("inspect: %s is nil: a nil map cannot grow", rt)
	}
	s, err := takeSnapshot(m, rt)
	if err != nil {
		return nil, fmt.Errorf("inspect: %v", err)
	}
	t := &Tracer{m: m, rt: rt, prev: s}
	t.rep.Exact = true
	t.rep.LenBefore = reflect.ValueOf(m).Len()
	t.rep.LenAfter = t.rep.LenBefore
	return t, nil
}

// Step compares the whole map with the previous step and records its
// growth.
func (t *Tracer) Step() error { return t.step(true) }

// StepKey is Step after a write of key, at a cost that does not grow with
// the map: on a Swiss map it compares only the table key's hash selects,
// the only one a write of key can grow, and compares the whole map only
// when the directory changed or the map gained more than one entry since
// the last step. key must be assignable to the map's key type. Call it
// after each write with the key written; after several writes, or a
// write of another key, call Step.
func (t *Tracer) StepKey(key any) (err error) {
	if !t.kv.IsValid() {
		t.kv = reflect.New(t.rt.Key())
	}
	if err := setKey(t.kv, t.rt, key); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("inspect: hashing key %v of %s: %v", key, t.rt, r)
		}
	}()
	return t.stepKey(t.kv)
}

func (t *Tracer) step(stepped bool) error {
	s, err := takeSnapshot(t.m, t.rt)
	if err != nil {
		return fmt.Errorf("inspect: %v", err)
	}
	events, dirDoublings, exact, err := diffSnapshots(t.prev, s, stepped)
	if err != nil {
		return fmt.Errorf("inspect: %s: %v", t.rt, err)
	}
	t.prev = s
	t.record(stepped, events, dirDoublings, exact)
	return nil
}

// record adds one comparison's growth to the report.
func (t *Tracer) record(stepped bool, events []Growth, dirDoublings int, exact bool) {
	step := 0
	if stepped {
		t.steps++
		step = t.steps
	}
	for i := range events {
		events[i].Step = step
	}
	t.rep.Events = append(t.rep.Events, events...)
	t.rep.DirectoryDoublings += dirDoublings
	t.rep.Exact = t.rep.Exact && exact
	t.rep.LenAfter = reflect.ValueOf(t.m).Len()
}

// Report returns what the tracer saw so far.
func (t *Tracer) Report() *GrowthReport {
	r := t.rep
	r.Events = append([]Growth(nil), t.rep.Events...)
	return &r
}
