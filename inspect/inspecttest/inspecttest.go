// Package inspecttest holds test helpers built on the inspector: fail a
// test when a function grows a map, and measure how many growths a fill
// causes and which make size hint avoids them. They replace the
// article's advice to watch GODEBUG=gctrace=1 (which reports garbage
// collections, not map growth) with a measurement.
//
//	inspecttest.NoGrowth(t, m, func() { update(m) })
//
//	r := inspecttest.Fill(t,
//		func(hint int) any { return make(map[string]int, hint) },
//		func(m any) { load(m.(map[string]int)) })
//	t.Logf("%d growths; make(map[string]int, %d) avoids them", r.Growths, r.Hint)
//
// The helpers work wherever package inspect does (gc 1.26/1.27, gccgo 12).
// Keep this package to Go 1.18: no generics.
package inspecttest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/inspect"
)

// NoGrowth runs f and fails t if f grew m (see inspect.Trace).
func NoGrowth(t testing.TB, m interface{}, f func()) {
	t.Helper()
	rep, err := inspect.Trace(m, f)
	if err != nil {
		t.Fatalf("NoGrowth: %v", err)
		return
	}
	if rep.Count() > 0 {
		t.Errorf("%s grew %d time(s) (len %d -> %d): %s", reflect.TypeOf(m), rep.Count(), rep.LenBefore, rep.LenAfter, describe(rep))
	}
}

// Growths runs f and returns how it grew m, failing t if m cannot be
// inspected.
func Growths(t testing.TB, m interface{}, f func()) *inspect.GrowthReport {
	t.Helper()
	rep, err := inspect.Trace(m, f)
	if err != nil {
		t.Fatalf("Growths: %v", err)
		return nil
	}
	return rep
}

// FillResult is what Fill measured.
type FillResult struct {
	Len     int                   // entries after the fill
	Growths int                   // growth events of the fill into make(map, 0)
	Exact   bool                  // Growths is exact (see inspect.GrowthReport.Exact)
	Report  *inspect.GrowthReport // the fill into make(map, 0)
	// Hint is the smallest make size hint tried with which the same fill
	// grew none of FillTrials new maps, or -1 if none of Tried did. Tried
	// lists the hints tried, in order; the first is Len.
	Hint  int
	Tried []int
}

// FillTrials is how many new maps, each with its own hash seed, a hint
// must fill without growth before Fill reports it.
const FillTrials = 5

// Fill measures a fill: it runs fill on newMap(0) and counts its growths,
// then runs it again on newMap(hint) for hints from the final length
// upward until one avoids all growth in FillTrials maps. newMap must return
// a new map made with the hint; fill must put the same entries in every map
// it gets.
//
// A hint equal to the final length does not always suffice on Swiss maps:
// the hint spreads capacity evenly over tables, but keys spread by hash,
// so one table can still fill up and split. Whether it does depends on the
// map's hash seed, so a hint at that edge can avoid growth in one map and
// not in the next (1792 int keys with hint 1792 fit in two 1024-slot tables
// only when they split exactly 896 to 896). Fill measures that rather than
// assuming it, over several seeds.
func Fill(t testing.TB, newMap func(hint int) interface{}, fill func(m interface{})) FillResult {
	t.Helper()
	m := newMap(0)
	rep, err := inspect.Trace(m, func() { fill(m) })
	if err != nil {
		t.Fatalf("Fill: %v", err)
		return FillResult{}
	}
	r := FillResult{Len: rep.LenAfter, Growths: rep.Count(), Exact: rep.Exact, Report: rep, Hint: -1}
	if r.Growths == 0 {
		r.Hint = 0
		return r
	}
	step := r.Len / 16
	if step < 1 {
		step = 1
	}
	for h := r.Len; h <= 4*r.Len+8; h += step {
		r.Tried = append(r.Tried, h)
		grew := false
		for trial := 0; trial < FillTrials && !grew; trial++ {
			m := newMap(h)
			rh, err := inspect.Trace(m, func() { fill(m) })
			if err != nil {
				t.Fatalf("Fill with hint %d: %v", h, err)
				return r
			}
			if rh.LenAfter != r.Len {
				t.Fatalf("Fill: the fill put %d entries in a new map, %d in the first: fill must be repeatable", rh.LenAfter, r.Len)
				return r
			}
			grew = rh.Count() != 0
		}
		if !grew {
			r.Hint = h
			return r
		}
	}
	return r
}

func describe(rep *inspect.GrowthReport) string {
	var parts []string
	for _, g := range rep.Events {
		parts = append(parts, g.String())
		if len(parts) == 8 && len(rep.Events) > 8 {
			parts = append(parts, fmt.Sprintf("and %d more", len(rep.Events)-8))
			break
		}
	}
	return strings.Join(parts, ", ")
}
