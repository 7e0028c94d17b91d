// Package mapprobe holds the map experiments that run on both map
// implementations: on gc (Swiss tables, internal/runtime/maps) in a child
// process of maplab, and on gccgo 12 (libgo: the classic bucket map of the
// Go 1.18 runtime) in the probe program cmd/mapprobe built with
// go build -compiler=gccgo. The same source runs on both, so a figure that
// differs between the two is a difference of the maps, not of the code.
//
// Each experiment prints its observations as "name: value" lines and
// decides nothing: lab/claims turns the figures into verdicts. Layouts are
// read with the inspector (package inspect), which refuses a runtime whose
// layout it does not mirror.
//
// Keep this package to what gccgo 12 compiles: the Go 1.18 language and
// standard library (no generics, no min/max/clear, no range over int, no
// typed atomics, no maps or slices packages).
package mapprobe

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mapsafe/mapsafe/inspect"
)

// An Experiment prints figures to w. An error means the experiment could
// not observe what it needed (the inspector refused, a precondition was not
// reached); it is never used to report an outcome of the claim.
type Experiment struct {
	Name  string
	Claim string // the claim it serves, e.g. "7b"
	Run   func(w io.Writer) error
}

// All lists the experiments.
var All = []Experiment{
	{"race-no-growth", "2", RaceNoGrowth},
	{"grow-in-range", "2", GrowInRange},
	{"bucket-size", "7a", BucketSize},
	{"tophash", "7b", TopHashValues},
	{"load-factor", "8a", LoadFactor},
	{"overflow", "8b", Overflow},
	{"start-position", "9", StartPosition},
	{"iterator-size", "10", IteratorSize},
	{"evacuation", "11", Evacuation},
}

// Lookup finds an experiment by name.
func Lookup(name string) (Experiment, bool) {
	for _, e := range All {
		if e.Name == name {
			return e, true
		}
	}
	return Experiment{}, false
}

// Names lists the experiment names.
func Names() []string {
	var ns []string
	for _, e := range All {
		ns = append(ns, e.Name)
	}
	return ns
}

// figure prints one "name: value" line.
func figure(w io.Writer, name string, value interface{}) {
	fmt.Fprintf(w, "%s: %v\n", name, value)
}

// runtimeFigure prints which map implementation and runtime the inspector
// found, the first line of every experiment that reads a layout.
func runtimeFigure(w io.Writer, l *inspect.Layout) {
	figure(w, "impl", l.Impl)
	figure(w, "runtime", l.Runtime)
}

// units is the number of 8-slot storage units of a map: buckets (not
// counting overflow buckets) on the classic map, groups on Swiss tables.
// A classic map that is growing counts its new bucket array.
func units(l *inspect.Layout) int {
	if c := l.Classic; c != nil {
		return 1 << c.B
	}
	s := l.Swiss
	if s.Small {
		return 1
	}
	n := 0
	for _, t := range s.Tables {
		n += t.Capacity / 8
	}
	return n
}

func look(m interface{}) (*inspect.Layout, error) {
	return inspect.InspectWith(m, inspect.Options{NoGroups: true})
}

func lookCells(m interface{}) (*inspect.Layout, error) {
	return inspect.Inspect(m)
}

// ints renders a sorted list of ints as "a,b,c".
func ints(xs []int) string {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ",")
}
