package inspect_test

import (
	"slices"
	"testing"

	"github.com/mapsafe/mapsafe/inspect"
	"github.com/mapsafe/mapsafe/inspect/internal/check"
)

// TestGccgoCases runs the shared property cases inside a gccgo program.
func TestGccgoCases(t *testing.T) {
	lines := runProbe(t, "cases")
	var r struct{ Case, Err string }
	if len(lines) != len(check.Cases()) {
		t.Fatalf("probe ran %d cases, want %d", len(lines), len(check.Cases()))
	}
	for _, line := range lines {
		decode(t, line, &r)
		if r.Err != "" {
			t.Errorf("gccgo case %s: %s", r.Case, r.Err)
		}
	}
}

// TestGccgoBSteps checks the figures READING.md records for the classic
// map: inserting keys 0..N-1 into a map[int]int under gccgo 12 grows B at
// inserts 9, 14, 27, 53, 105, each growth a doubling that is evacuated
// incrementally (old buckets below nevacuate carry evacuation marks).
func TestGccgoBSteps(t *testing.T) {
	lines := runProbe(t, "steps", "200")
	var grows []int
	prevB := uint8(0)
	sawGrowing := false
	for _, line := range lines {
		var s struct {
			N      int
			Layout inspect.Layout
		}
		decode(t, line, &s)
		c := s.Layout.Classic
		if s.Layout.Impl != inspect.ImplClassic || c == nil {
			t.Fatalf("insert %d: impl %q, want classic", s.N, s.Layout.Impl)
		}
		if c.Count != s.N || s.Layout.Len != s.N {
			t.Fatalf("insert %d: count %d, len %d", s.N, c.Count, s.Layout.Len)
		}
		if c.B != prevB {
			if c.B != prevB+1 {
				t.Fatalf("insert %d: B went from %d to %d", s.N, prevB, c.B)
			}
			grows = append(grows, s.N)
			prevB = c.B
		}
		if len(c.Buckets) != 1<<c.B {
			t.Fatalf("insert %d: %d buckets with B=%d", s.N, len(c.Buckets), c.B)
		}
		if c.Growing {
			sawGrowing = true
			if c.SameSize || len(c.OldBuckets) != 1<<(c.B-1) {
				t.Fatalf("insert %d: growing with %d old buckets, same-size %v, B=%d", s.N, len(c.OldBuckets), c.SameSize, c.B)
			}
			for i, b := range c.OldBuckets {
				if uintptr(i) < c.NEvacuate && !b.Evacuated {
					t.Fatalf("insert %d: old bucket %d below nevacuate %d not evacuated", s.N, i, c.NEvacuate)
				}
			}
		}
	}
	want := []int{9, 14, 27, 53, 105}
	if !slices.Equal(grows, want) {
		t.Errorf("B grew at inserts %v, want %v", grows, want)
	}
	if !sawGrowing {
		t.Error("never saw a growth in progress (oldbuckets != nil)")
	}
}

type moment struct {
	Scenario string
	Moment   string
	Iter     *inspect.IterState
	Layout   *inspect.Layout
	Seen     []int
	Dups     []int
	Started  []int
}

// TestGccgoIterAcrossGrow is the article's section 2.5 experiment done on
// a real classic map: watch a live iterator while the map grows under it.
func TestGccgoIterAcrossGrow(t *testing.T) {
	lines := runProbe(t, "iter")
	by := map[string][]moment{}
	for _, line := range lines {
		var m moment
		decode(t, line, &m)
		by[m.Scenario] = append(by[m.Scenario], m)
	}

	// Started before the grow: the iterator keeps its B and its bucket
	// array, which becomes the map's old array when the 53rd insert
	// starts doubling.
	ms := by["before-grow"]
	find := func(ms []moment, what string) moment {
		for _, m := range ms {
			if m.Moment == what {
				return m
			}
		}
		t.Fatalf("no %q moment", what)
		return moment{}
	}
	if st := find(ms, "unstarted").Iter; st.Started {
		t.Error("unstarted iterator reported as started")
	}
	st := find(ms, "started").Iter.Classic
	if st.B != 3 || st.MapB != 3 || !st.BucketsCurrent || st.BucketsOld || !st.NoCheck {
		t.Errorf("before the grow: %+v; want B=3 on the map's current array, no check bucket", st)
	}
	g := find(ms, "grown")
	if c := g.Layout.Classic; !c.Growing || c.B != 4 || c.SameSize {
		t.Errorf("after the 53rd insert: growing %v, B %d, same-size %v; want a doubling to B=4 in progress", c.Growing, c.B, c.SameSize)
	}
	if c := g.Iter.Classic; c.B != 3 || c.MapB != 4 || c.BucketsCurrent || !c.BucketsOld {
		t.Errorf("iterator after the grow started: %+v; want B=3 walking the map's old array (map B=4)", c)
	}
	if d := find(ms, "done").Iter; !d.Done {
		t.Error("iterator not done at the end")
	}
	checkSeen(t, "before-grow", find(ms, "summary"))

	// Started mid-grow: the iterator walks the new array and, for each
	// bucket whose old bucket is not evacuated yet, reads the old bucket
	// and filters it (checkBucket = the new bucket's index).
	ms = by["mid-grow"]
	if c := find(ms, "unstarted").Layout.Classic; !c.Growing {
		t.Fatal("mid-grow map is not growing")
	}
	checked := 0
	for _, m := range ms {
		if m.Moment != "step" {
			continue
		}
		c := m.Iter.Classic
		if c.B != 4 || c.MapB != 4 || !c.BucketsCurrent {
			t.Fatalf("mid-grow step: %+v; want B=4 on the current array", c)
		}
		if !m.Layout.Classic.Growing {
			t.Fatal("growth finished without a write")
		}
		if !c.NoCheck {
			checked++
			if c.CheckBucket >= 16 {
				t.Errorf("check bucket %d outside the 16 new buckets", c.CheckBucket)
			}
		}
	}
	if checked == 0 {
		t.Error("no step read an unevacuated old bucket (checkBucket never set)")
	}
	checkSeen(t, "mid-grow", find(ms, "summary"))
}

// checkSeen asserts the iteration guarantee: every key present when
// iteration began (none was deleted) was returned exactly once.
func checkSeen(t *testing.T, scenario string, m moment) {
	t.Helper()
	if len(m.Dups) > 0 {
		t.Errorf("%s: keys returned twice: %v", scenario, m.Dups)
	}
	seen := map[int]bool{}
	for _, k := range m.Seen {
		seen[k] = true
	}
	for _, k := range m.Started {
		if !seen[k] {
			t.Errorf("%s: key %d present at the start was never returned", scenario, k)
		}
	}
	if len(m.Started) == 0 {
		t.Errorf("%s: no keys recorded", scenario)
	}
}

// TestGccgoGrowth: a Tracer stepped through a fill sees the doublings at
// inserts 9, 14, 27, 53, 105; Trace over the same fill counts the same
// doublings but cannot rule out hidden same-size grows (Exact false); a
// churn at constant size piles up overflow buckets until the runtime
// grows at the same size; a map made with a hint does not grow.
func TestGccgoGrowth(t *testing.T) {
	lines := runProbe(t, "growth")
	got := map[string]struct {
		Scenario string
		Report   inspect.GrowthReport
		Stats    inspect.Stats
	}{}
	for _, line := range lines {
		var r struct {
			Scenario string
			Report   inspect.GrowthReport
			Stats    inspect.Stats
		}
		decode(t, line, &r)
		got[r.Scenario] = r
	}
	fill := got["fill-stepped"].Report
	var steps []int
	for _, g := range fill.Events {
		if g.Kind != inspect.GrowBuckets {
			t.Errorf("fill: unexpected %v", g)
		}
		steps = append(steps, g.Step)
	}
	if !slices.Equal(steps, []int{9, 14, 27, 53, 105}) || !fill.Exact {
		t.Errorf("stepped fill: doublings at steps %v (exact %v), want [9 14 27 53 105]", steps, fill.Exact)
	}
	tr := got["fill-trace"].Report
	if tr.ByKind()[inspect.GrowBuckets] != 5 || tr.Exact {
		t.Errorf("traced fill: %+v; want 5 doublings, not exact", tr)
	}
	churn := got["churn-stepped"].Report
	k := churn.ByKind()
	if k[inspect.GrowSameSize] == 0 || k[inspect.GrowBuckets] != 0 || !churn.Exact {
		t.Errorf("churn: %v (exact %v); want same-size grows only", k, churn.Exact)
	}
	if s := got["churn-stepped"].Stats; s.Len != 40 || s.Buckets != 8 {
		t.Errorf("churn ends with %d entries in %d buckets, want 40 in 8", s.Len, s.Buckets)
	}
	if h := got["hinted-fill"].Report; h.Count() != 0 || !h.Exact {
		t.Errorf("make(map, 200) then 200 inserts grew: %+v", h)
	}
	if s := got["fill-stepped"].Stats; s.Len != 200 || s.Buckets != 32 || s.MaxLoad != 6.5/8 || s.StructBytes <= s.LiveBytes {
		t.Errorf("fill stats %+v", s)
	}
}
