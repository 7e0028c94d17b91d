package inspect_test

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/inspect"
)

// TestSwissTracerFill checks the growth a Tracer sees while a map[int]int
// fills, step by step, against the capacity steps: the small group
// becomes a table at insert 9, doubles at 15, 29, 57, 113, 225, 449, and
// splits from 897; and Trace over the same fill counts the same events.
func TestSwissTracerFill(t *testing.T) {
	const n = 5000
	m := map[int]int{}
	tr, err := inspect.NewTracer(m)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		m[i] = i
		if err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	rep := tr.Report()
	var steps []int
	for _, g := range rep.Events {
		if g.Kind == inspect.GrowSplit {
			break
		}
		steps = append(steps, g.Step)
	}
	if want := []int{9, 15, 29, 57, 113, 225, 449}; !slices.Equal(steps, want) {
		t.Errorf("growth before the first split at steps %v, want %v (events %v)", steps, want, rep.Events)
	}
	kinds := rep.ByKind()
	if kinds[inspect.GrowSmallToTable] != 1 || kinds[inspect.GrowDouble] != 6 {
		t.Errorf("kinds %v: want one small-to-table and six doublings", kinds)
	}
	first := -1
	for _, g := range rep.Events {
		if g.Kind == inspect.GrowSplit {
			first = g.Step
			break
		}
	}
	if first != 897 {
		t.Errorf("first split at step %d, want 897", first)
	}
	l, err := inspect.Inspect(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(l.Swiss.Tables) - 1; kinds[inspect.GrowSplit] != got {
		t.Errorf("%d splits seen, but the map has %d tables", kinds[inspect.GrowSplit], got+1)
	}
	if !rep.Exact || rep.LenAfter != n || rep.DirectoryDoublings != int(l.Swiss.GlobalDepth) {
		t.Errorf("report %+v; want exact, len %d, %d directory doublings", rep, n, l.Swiss.GlobalDepth)
	}

	m2 := map[int]int{}
	rep2, err := inspect.Trace(m2, func() {
		for i := 0; i < n; i++ {
			m2[i] = i
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	k2 := rep2.ByKind()
	if !reflect.DeepEqual(k2, kinds) || !rep2.Exact {
		// The hash seed differs per map, so splits may too; the
		// doublings before the first split may not.
		l2, _ := inspect.Inspect(m2)
		if k2[inspect.GrowDouble] != 6 || k2[inspect.GrowSmallToTable] != 1 || k2[inspect.GrowSplit] != len(l2.Swiss.Tables)-1 {
			t.Errorf("Trace saw %v, Tracer %v", k2, kinds)
		}
	}
}

// TestSwissTraceNoGrowth: deletes, overwrites, reads and a clear do not
// grow a map; a hinted map filled to its hint does not grow.
func TestSwissTraceNoGrowth(t *testing.T) {
	m := make(map[string]int, 1000)
	rep, err := inspect.Trace(m, func() {
		for i := 0; i < 1000; i++ {
			m[string(rune('a'+i%26))+string(rune(i))] = i
		}
		for k := range m {
			m[k]++
			delete(m, k)
		}
		clear(m)
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count() != 0 {
		t.Errorf("growth seen: %v", rep.Events)
	}
	rep, err = inspect.Trace(m, func() {
		for i := 0; i < 2000; i++ {
			m[string(rune(i+1000))] = i
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count() == 0 {
		t.Error("2000 inserts into a map made for 1000 did not grow it")
	}
}

func TestTracerErrors(t *testing.T) {
	var nilMap map[int]int
	if _, err := inspect.NewTracer(nilMap); err == nil {
		t.Error("tracer over a nil map accepted")
	}
	if _, err := inspect.NewTracer([]int{1}); err == nil {
		t.Error("tracer over a slice accepted")
	}
	if _, err := inspect.Trace(nil, func() {}); err == nil {
		t.Error("trace over nil accepted")
	}
}

// TestStats checks the derived figures against what the layout implies
// and the never-shrink property: deleting every entry keeps the bytes.
func TestStats(t *testing.T) {
	m := map[int64]int64{}
	for i := int64(0); i < 1000; i++ {
		m[i] = i
	}
	l, err := inspect.Inspect(m)
	if err != nil {
		t.Fatal(err)
	}
	s := l.Stats()
	if s.Tables != len(l.Swiss.Tables) || s.Slots != 2048 || s.LiveBytes != 16000 {
		t.Fatalf("stats %+v: want 2 tables, 2048 slots, 16000 live bytes", s)
	}
	// Header, 2-entry directory, 2 table structs, 256 groups of 136 bytes.
	want := uint64(48 + 2*8 + 2*32 + 256*136)
	if s.StructBytes != want || s.WasteBytes != want-16000 {
		t.Errorf("struct bytes %d, waste %d; want %d, %d", s.StructBytes, s.WasteBytes, want, want-16000)
	}
	if s.Load != 1000.0/2048 || s.MaxLoad != 7.0/8 {
		t.Errorf("load %v, max %v", s.Load, s.MaxLoad)
	}
	for i := int64(0); i < 1000; i += 2 {
		delete(m, i)
	}
	l, _ = inspect.Inspect(m)
	s2 := l.Stats()
	if s2.StructBytes != s.StructBytes || s2.LiveBytes != 8000 || s2.Tombstones == 0 || s2.TombstoneRatio != float64(s2.Tombstones)/2048 {
		t.Errorf("after deleting half: %+v", s2)
	}
	for k := range m {
		delete(m, k)
	}
	l, _ = inspect.Inspect(m)
	if s3 := l.Stats(); s3.StructBytes != s.StructBytes || s3.LiveBytes != 0 || s3.WasteRatio != 1 {
		t.Errorf("after deleting all: %+v; the structure must stay (maps never shrink)", s3)
	}

	big := map[int][200]byte{1: {}, 2: {}}
	l, err = inspect.Inspect(big)
	if err != nil {
		t.Fatal(err)
	}
	// Small group: 8 ctrl bytes + 8 slots of (8-byte key, 8-byte pointer);
	// two 200-byte element allocations.
	if s := l.Stats(); s.StructBytes != 48+136+2*200 || s.LiveBytes != 2*208 {
		t.Errorf("indirect elements: %+v", s)
	}
}

// StepKey sees exactly what Step sees: two tracers on one map, one stepped
// whole and one by the key written, through fills, overwrites, deletes and
// a clear, report the same events at the same steps.
func TestTracerStepKeyAgreesWithStep(t *testing.T) {
	m := map[string]int{}
	whole, err := inspect.NewTracer(m)
	if err != nil {
		t.Fatal(err)
	}
	byKey, err := inspect.NewTracer(m)
	if err != nil {
		t.Fatal(err)
	}
	write := func(k string, del bool) {
		t.Helper()
		if del {
			delete(m, k)
		} else {
			m[k] = len(k)
		}
		if err := whole.Step(); err != nil {
			t.Fatal(err)
		}
		if err := byKey.StepKey(k); err != nil {
			t.Fatal(err)
		}
	}
	key := func(i int) string { return "key-" + strconv.Itoa(i) }
	for i := 0; i < 6000; i++ {
		write(key(i), false)
	}
	for i := 0; i < 6000; i += 3 {
		write(key(i), true)
		write(key(i+1), false)
	}
	clear(m)
	write("after clear", false)
	for i := 0; i < 9000; i++ {
		write(key(i), false)
	}
	a, b := whole.Report(), byKey.Report()
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("Step saw %d events %v\nStepKey saw %d events %v", len(a.Events), a.Events, len(b.Events), b.Events)
	}
	if a.ByKind()[inspect.GrowSplit] < 8 {
		t.Fatalf("only %v: the test does not reach splits", a.ByKind())
	}
}

func TestTracerStepKeyBadKey(t *testing.T) {
	tr, err := inspect.NewTracer(map[int]int{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.StepKey("one"); err == nil || !strings.Contains(err.Error(), "not assignable") {
		t.Errorf("StepKey(string) on map[int]int: %v", err)
	}
	if err := tr.StepKey(nil); err == nil || !strings.Contains(err.Error(), "nil key") {
		t.Errorf("StepKey(nil): %v", err)
	}
	mi := map[any]int{}
	for i := 0; i < 100; i++ { // past small mode: a step hashes the key
		mi[i] = i
	}
	ti, err := inspect.NewTracer(mi)
	if err != nil {
		t.Fatal(err)
	}
	if err := ti.StepKey([]int{1}); err == nil || !strings.Contains(err.Error(), "hashing key") {
		t.Errorf("StepKey of an unhashable key: %v", err)
	}
}

func TestGrowthFormat(t *testing.T) {
	g := inspect.Growth{Kind: inspect.GrowDouble, Step: 15, From: 16, To: 32}
	for format, want := range map[string]string{
		"%v":  "step 15: double 16->32",
		"%s":  "step 15: double 16->32",
		"%+v": "{Kind:double Step:15 From:16 To:32}",
		"%q":  `"step 15: double 16->32"`,
		"%d":  "%!d(inspect.Growth=step 15: double 16->32)",
	} {
		if got := fmt.Sprintf(format, g); got != want {
			t.Errorf("Sprintf(%q) = %q, want %q", format, got, want)
		}
	}
	if got := fmt.Sprintf("%+v", []inspect.Growth{{Kind: inspect.GrowSplit, From: 1024, To: 2048}}); got != "[{Kind:split Step:0 From:1024 To:2048}]" {
		t.Errorf("%%+v of a Trace's events: %s", got)
	}
}
