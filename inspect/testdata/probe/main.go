// Command probe runs inspector experiments inside a program built by
// gccgo (or gc) and prints what it saw as JSON lines; inspect's tests
// build it with go build -compiler=gccgo and assert on the output, because
// go test cannot run under gccgo. Keep it to Go 1.18.
//
//	probe cases    one line per shared property case: {"case": name, "err": ""}
//	probe steps N  one line per insert into a map[int]int: the layout summary
//	probe iter     the iterator-across-grow experiment
//	probe growth   growth tracing: a fill, a churn, and Trace vs Tracer
//	probe bench N R  median time of Inspect and of one range over an
//	                 N-entry map[int]int, over R runs (scripts/bench-inspect.sh)
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"time"

	"github.com/mapsafe/mapsafe/inspect"
	"github.com/mapsafe/mapsafe/inspect/internal/check"
)

var out = json.NewEncoder(os.Stdout)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: probe cases|steps N|iter")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "cases":
		err = cases()
	case "steps":
		n := 200
		if len(os.Args) > 2 {
			n, err = strconv.Atoi(os.Args[2])
		}
		if err == nil {
			err = steps(n)
		}
	case "iter":
		err = iter()
	case "growth":
		err = growth()
	case "bench":
		n, runs := 1000000, 11
		if len(os.Args) > 3 {
			n, err = strconv.Atoi(os.Args[2])
			if err == nil {
				runs, err = strconv.Atoi(os.Args[3])
			}
		}
		if err == nil {
			err = bench(n, runs)
		}
	default:
		err = fmt.Errorf("unknown experiment %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func emit(v interface{}) {
	if err := out.Encode(v); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

type caseResult struct {
	Case string `json:"case"`
	Err  string `json:"err"`
}

func cases() error {
	for _, c := range check.Cases() {
		r := caseResult{Case: c.Name}
		if err := c.Run(); err != nil {
			r.Err = err.Error()
		}
		emit(r)
	}
	return nil
}

func steps(n int) error {
	m := map[int]int{}
	for i := 0; i < n; i++ {
		m[i] = i
		l, err := inspect.InspectWith(m, inspect.Options{NoGroups: true})
		if err != nil {
			return err
		}
		emit(struct {
			N      int             `json:"n"`
			Layout *inspect.Layout `json:"layout"`
		}{i + 1, l})
	}
	return nil
}

// moment is one observation of the iterator experiment.
type moment struct {
	Scenario string             `json:"scenario"`
	Moment   string             `json:"moment"`
	Iter     *inspect.IterState `json:"iter"`
	Layout   *inspect.Layout    `json:"layout"`
	// Seen and Dups, at the end of a scenario: keys the iterator
	// returned, and keys it returned twice.
	Seen    []int `json:"seen,omitempty"`
	Dups    []int `json:"dups,omitempty"`
	Started []int `json:"started,omitempty"` // keys present when iteration began
}

func observe(scenario, what string, m map[int]int, it *reflect.MapIter) error {
	st, err := inspect.Iter(it)
	if err != nil {
		return fmt.Errorf("%s/%s: %v", scenario, what, err)
	}
	l, err := inspect.InspectWith(m, inspect.Options{NoGroups: true})
	if err != nil {
		return fmt.Errorf("%s/%s: %v", scenario, what, err)
	}
	emit(moment{Scenario: scenario, Moment: what, Iter: st, Layout: l})
	return nil
}

func keysOf(m map[int]int) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// iterate drives it to the end, recording each key and observing after
// every step, then emits the summary.
func finish(scenario string, m map[int]int, it *reflect.MapIter, seen map[int]int, started []int) error {
	for it.Next() {
		seen[int(it.Key().Int())]++
		if err := observe(scenario, "step", m, it); err != nil {
			return err
		}
	}
	if err := observe(scenario, "done", m, it); err != nil {
		return err
	}
	end := moment{Scenario: scenario, Moment: "summary", Started: started}
	for k, n := range seen {
		end.Seen = append(end.Seen, k)
		if n > 1 {
			end.Dups = append(end.Dups, k)
		}
	}
	emit(end)
	return nil
}

func iter() error {
	// Classic scenario "before-grow": 52 entries (B=3, 8 buckets, no
	// growth in progress); the iterator starts, then the 53rd insert
	// starts doubling to B=4 under it.
	m := map[int]int{}
	for i := 0; i < 52; i++ {
		m[i] = i
	}
	started := keysOf(m)
	it := reflect.ValueOf(m).MapRange()
	if err := observe("before-grow", "unstarted", m, it); err != nil {
		return err
	}
	seen := map[int]int{}
	for i := 0; i < 5 && it.Next(); i++ {
		seen[int(it.Key().Int())]++
	}
	if err := observe("before-grow", "started", m, it); err != nil {
		return err
	}
	m[1000] = 1000
	if err := observe("before-grow", "grown", m, it); err != nil {
		return err
	}
	if err := finish("before-grow", m, it, seen, started); err != nil {
		return err
	}

	// Scenario "mid-grow": a map whose doubling is in progress (53
	// inserts: B=4, old buckets mostly not evacuated); an iterator
	// started now walks the new array and must filter the old buckets
	// it reads (checkBucket).
	m = map[int]int{}
	for i := 0; i < 53; i++ {
		m[i] = i
	}
	started = keysOf(m)
	it = reflect.ValueOf(m).MapRange()
	if err := observe("mid-grow", "unstarted", m, it); err != nil {
		return err
	}
	return finish("mid-grow", m, it, map[int]int{}, started)
}

type growthResult struct {
	Scenario string                `json:"scenario"`
	Report   *inspect.GrowthReport `json:"report"`
	Stats    inspect.Stats         `json:"stats"`
}

// growth traces a fill of 200 keys step by step (StepKey) and as a whole,
// and a churn (delete one key, insert a new one, the count staying at 40;
// Step after the delete, StepKey after the insert) that piles up overflow
// buckets until a same-size grow.
func growth() error {
	m := map[int]int{}
	tr, err := inspect.NewTracer(m)
	if err != nil {
		return err
	}
	for i := 0; i < 200; i++ {
		m[i] = i
		if err := tr.StepKey(i); err != nil {
			return err
		}
	}
	l, err := inspect.Inspect(m)
	if err != nil {
		return err
	}
	emit(growthResult{"fill-stepped", tr.Report(), l.Stats()})

	m = map[int]int{}
	rep, err := inspect.Trace(m, func() {
		for i := 0; i < 200; i++ {
			m[i] = i
		}
	})
	if err != nil {
		return err
	}
	if l, err = inspect.Inspect(m); err != nil {
		return err
	}
	emit(growthResult{"fill-trace", rep, l.Stats()})

	m = map[int]int{}
	for i := 0; i < 40; i++ {
		m[i] = i
	}
	tr, err = inspect.NewTracer(m)
	if err != nil {
		return err
	}
	for i := 40; i < 20000; i++ {
		delete(m, i-40)
		if err := tr.Step(); err != nil {
			return err
		}
		m[i] = i
		if err := tr.StepKey(i); err != nil {
			return err
		}
	}
	l, err = inspect.Inspect(m)
	if err != nil {
		return err
	}
	emit(growthResult{"churn-stepped", tr.Report(), l.Stats()})

	m2 := make(map[int]int, 200)
	rep, err = inspect.Trace(m2, func() {
		for i := 0; i < 200; i++ {
			m2[i] = i
		}
	})
	if err != nil {
		return err
	}
	if l, err = inspect.Inspect(m2); err != nil {
		return err
	}
	emit(growthResult{"hinted-fill", rep, l.Stats()})
	return nil
}

var sink int

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// bench times Inspect (with and without control bytes) and one range
// over the same map, runs times each, and prints the medians.
func bench(n, runs int) error {
	m := make(map[int]int)
	for i := 0; i < n; i++ {
		m[i] = i
	}
	var rng, full, counts []time.Duration
	for r := 0; r < runs; r++ {
		start := time.Now()
		s := 0
		for k, v := range m {
			s += k ^ v
		}
		sink += s
		rng = append(rng, time.Since(start))

		start = time.Now()
		l, err := inspect.Inspect(m)
		if err != nil {
			return err
		}
		full = append(full, time.Since(start))
		sink += l.Len

		start = time.Now()
		l, err = inspect.InspectWith(m, inspect.Options{NoGroups: true})
		if err != nil {
			return err
		}
		counts = append(counts, time.Since(start))
		sink += l.Len
	}
	emit(struct {
		N            int   `json:"n"`
		Runs         int   `json:"runs"`
		RangeNs      int64 `json:"rangeNs"`
		InspectNs    int64 `json:"inspectNs"`
		InspectNoGNs int64 `json:"inspectCountsNs"`
	}{n, runs, int64(median(rng)), int64(median(full)), int64(median(counts))})
	return nil
}
