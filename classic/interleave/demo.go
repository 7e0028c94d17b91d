package interleave

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mapsafe/mapsafe/classic"
	"github.com/mapsafe/mapsafe/classic/op"
)

// Demo programs: a map filled to 26 keys (B=2, one insert short of a
// grow), a writer whose insert starts the grow, and a goroutine ranging
// over the map.
var (
	demoWriter = Goroutine{Name: "writer", Ops: []op.Op{{Kind: op.Insert, Key: 100, Val: 1}}}
	demoRanger = Goroutine{Name: "ranger", Ops: []op.Op{{Kind: op.IterStart}, {Kind: op.IterNext}, {Kind: op.IterNext}}}
	demoAlone  = Goroutine{Name: "main", Ops: []op.Op{{Kind: op.IterStart}, {Kind: op.Insert, Key: 100, Val: 1}, {Kind: op.IterNext}, {Kind: op.IterNext}}}
)

// DemoMap is the map the demo programs start from.
func DemoMap() NewMap { return IntMap(1, 26) }

// DemoGoroutines returns the demo's writer and ranger.
func DemoGoroutines() []Goroutine { return []Goroutine{demoWriter, demoRanger} }

// DemoAlone returns the demo's actions done by one goroutine.
func DemoAlone() []Goroutine { return []Goroutine{demoAlone} }

// Demo prints the interleaving demonstration: every schedule of a writer
// and a ranger counted by outcome, one fatal schedule step by step, and
// the same actions in one goroutine, which cannot die.
func Demo(w io.Writer) error {
	gs := DemoGoroutines()
	s, err := Explore(DemoMap(), gs, 1_000_000)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "map[int]int with keys 0..25 (B=2); goroutine writer: m[100] = 1 (starts a grow); goroutine ranger: range m, two steps\n\n")
	fmt.Fprintf(w, "all %d distinct interleavings (a switch is possible at every runtime step):\n", s.Interleavings)
	var fatal *Outcome
	for _, o := range s.Outcomes {
		msg := o.Message
		if msg == "" {
			msg = "finished"
		} else {
			fatal = o
		}
		fmt.Fprintf(w, "  %-40s %5d\n", msg, o.Count)
		keys := make([]string, 0, len(o.At))
		for k := range o.At {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "      %-60s %5d\n", k, o.At[k])
		}
	}
	if fatal != nil {
		res, err := Run(DemoMap(), gs, fatal.Example, Options{})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\none fatal schedule, step by step:\n")
		if err := WriteTrace(w, res); err != nil {
			return err
		}
	}
	res, err := Run(DemoMap(), DemoAlone(), nil, Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nthe same actions in one goroutine (range, insert during the range, continue):\n")
	return WriteTrace(w, res)
}

// WriteTrace prints a run step by step with the hashWriting state.
func WriteTrace(w io.Writer, res *Result) error {
	for i, st := range res.Steps {
		var writing []string
		for g, on := range st.Writing {
			if on {
				writing = append(writing, res.Goroutines[g].Name)
			}
		}
		flag := "hashWriting=0"
		if st.Flags&classic.FlagHashWriting != 0 {
			flag = "hashWriting=1"
		}
		if len(writing) > 0 {
			flag += "  in a write: " + strings.Join(writing, ",")
		}
		if st.Event.Kind == classic.EvMake {
			continue
		}
		if _, err := fmt.Fprintf(w, "  %3d %-7s %-72s %s\n", i+1, res.Goroutines[st.G].Name, st.Event, flag); err != nil {
			return err
		}
	}
	if f := res.Fatal; f != nil {
		who := []string{}
		for _, g := range f.Writers {
			who = append(who, res.Goroutines[g].Name)
		}
		_, err := fmt.Fprintf(w, "  => fatal error: %s, noticed by %s at its %s; %s was inside its write (the runtime reports only the noticing goroutine)\n",
			f.Message, res.Goroutines[f.G].Name, f.Check, strings.Join(who, ", "))
		return err
	}
	_, err := fmt.Fprintln(w, "  => finished: no check saw hashWriting set")
	return err
}
