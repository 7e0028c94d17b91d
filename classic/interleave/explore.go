package interleave

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mapsafe/mapsafe/classic"
)

// Outcome is one way runs ended.
type Outcome struct {
	Message string `json:"message"` // the fatal error, "" for a run that finished
	Count   int    `json:"count"`   // distinct interleavings that ended so
	// Example is the first schedule found with this outcome.
	Example []int `json:"example"`
	// At counts, for fatal runs, which check fired and what the other
	// goroutine inside a write had done last, e.g. "iterator check while
	// writer at evacuate".
	At map[string]int `json:"at,omitempty"`
}

// Summary is the result of Explore.
type Summary struct {
	Interleavings int        `json:"interleavings"`
	Outcomes      []*Outcome `json:"outcomes"`
	Truncated     bool       `json:"truncated"` // stopped at the limit
}

// Explore runs every distinct interleaving of the goroutines (switching
// goroutines at any event), up to limit runs, and counts the outcomes.
// Runs are deterministic, so each schedule is replayed from a new map.
func Explore(newMap NewMap, gs []Goroutine, limit int) (*Summary, error) {
	e := &explorer{newMap: newMap, gs: gs, limit: limit, seen: map[string]bool{}, by: map[string]*Outcome{}}
	if err := e.walk(nil); err != nil {
		return nil, err
	}
	s := &Summary{Interleavings: len(e.seen), Truncated: e.truncated}
	for _, o := range e.by {
		s.Outcomes = append(s.Outcomes, o)
	}
	sort.Slice(s.Outcomes, func(i, j int) bool { return s.Outcomes[i].Message < s.Outcomes[j].Message })
	return s, nil
}

type explorer struct {
	newMap    NewMap
	gs        []Goroutine
	limit     int
	runs      int
	truncated bool
	seen      map[string]bool
	by        map[string]*Outcome
}

func (e *explorer) walk(prefix []int) error {
	if e.runs >= e.limit {
		e.truncated = true
		return nil
	}
	e.runs++
	r, err := start(e.newMap, e.gs, prefix, Options{})
	if err != nil {
		return err
	}
	err = r.follow(prefix)
	done, res := append([]bool(nil), r.done...), r.res
	r.close()
	if err != nil {
		return err
	}
	if res.Fatal == nil {
		more := false
		for g := range e.gs {
			if !done[g] {
				more = true
				if err := e.walk(append(append([]int(nil), prefix...), g)); err != nil {
					return err
				}
			}
		}
		if more {
			return nil
		}
	}
	// A complete run: count it once per distinct event sequence.
	var sig strings.Builder
	for _, st := range res.Steps {
		fmt.Fprintf(&sig, "%d:%d,", st.G, st.Event.Kind)
	}
	if e.seen[sig.String()] {
		return nil
	}
	e.seen[sig.String()] = true
	msg := ""
	if res.Fatal != nil {
		msg = res.Fatal.Message
	}
	o := e.by[msg]
	if o == nil {
		o = &Outcome{Message: msg, Example: res.Schedule}
		e.by[msg] = o
	}
	o.Count++
	if f := res.Fatal; f != nil {
		if o.At == nil {
			o.At = map[string]int{}
		}
		at := f.Check
		for _, w := range f.Writers {
			at += fmt.Sprintf(" while %s at %s", e.gs[w].Name, lastEvent(res.Steps[:f.Step], w))
		}
		o.At[at]++
	}
	return nil
}

// lastEvent is the kind of goroutine g's last event in steps.
func lastEvent(steps []Step, g int) string {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].G == g {
			return steps[i].Event.Kind.String()
		}
	}
	return "nothing"
}

// IntMap returns a NewMap that makes a map[int]int model with the given
// seed and inserts keys 0..fill-1 before the goroutines start.
func IntMap(seed uint64, fill int) NewMap {
	return func(observe func(classic.Event)) (*classic.Map[int, int], error) {
		m, err := classic.New[int, int](0, classic.Config[int]{Seed: seed}, observe)
		if err != nil {
			return nil, err
		}
		for i := 0; i < fill; i++ {
			m.Insert(i, i)
		}
		return m, nil
	}
}
