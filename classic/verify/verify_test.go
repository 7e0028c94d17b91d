package verify

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/classic/op"
	"github.com/mapsafe/mapsafe/classic/verify/record"
	"github.com/mapsafe/mapsafe/internal/srctree"
	"github.com/mapsafe/mapsafe/internal/testenv"
)

// probeBin builds the gccgo probe once per test binary.
func probeBin(t *testing.T) string {
	t.Helper()
	testenv.Gccgo(t)
	return testenv.Build(t, "the gccgo probe", func(dir string) (string, error) {
		root, err := srctree.Root(context.Background(), "go", ".")
		if err != nil {
			return "", err
		}
		return BuildProbe(context.Background(), root, dir)
	})
}

func TestMain(m *testing.M) { testenv.Main(m) }

// The model fed with the real hashes agrees with gccgo's map on every
// figure after every operation; with its own hash, on count, B and the
// growth points; iteration guarantees hold on both. The mix must reach
// doubling and same-size grows and iterations started mid-grow.
func TestAgreesWithGccgo(t *testing.T) {
	bin := probeBin(t)
	res, err := Run(context.Background(), Options{Seeds: []uint64{2, 3, 8}, Ops: 3000, Probe: bin})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, res); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", buf.String())
	var doubling, same, mid, iters int
	for _, r := range res {
		if r.Failed() {
			t.Errorf("seed %d: model and gccgo disagree:\n%s", r.Seed, strings.Join(r.Details, "\n"))
		}
		doubling += r.Doubling
		same += r.SameSize
		mid += r.IterMidGrow
		iters += r.Iterations
	}
	// Same-size grows depend on the real map's random seed; over these
	// runs about 20 are expected, so none at all means the mix is broken.
	if doubling == 0 || same == 0 || mid == 0 || iters == 0 {
		t.Errorf("the operations did not reach every path: %d doubling grows, %d same-size grows, %d iterations (%d started mid-grow)",
			doubling, same, iters, mid)
	}
}

// gccgo 12's map returns keys a clear removed to an iteration that started
// before a grow (Go < 1.21, golang/go#59411), and the model does the same
// thing at the same operations.
func TestStaleKeysAfterClearOnGccgo(t *testing.T) {
	bin := probeBin(t)
	var ops []op.Op
	for i := range 26 {
		ops = append(ops, op.Op{Kind: op.Insert, Key: i, Val: i})
	}
	ops = append(ops, op.Op{Kind: op.IterStart}, op.Op{Kind: op.Insert, Key: 100, Val: 100}, op.Op{Kind: op.Clear})
	for range 30 {
		ops = append(ops, op.Op{Kind: op.IterNext})
	}
	stale := 0
	for run := 0; run < 5; run++ {
		real, err := RunProbe(context.Background(), bin, ops)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Compare(0, ops, real)
		if err != nil {
			t.Fatal(err)
		}
		if res.RealHashMismatches != 0 {
			t.Fatalf("model and gccgo disagree:\n%s", strings.Join(res.Details, "\n"))
		}
		stale += res.RealStaleAfterClear
	}
	if stale == 0 {
		t.Fatal("gccgo returned no key after the clear in 5 runs")
	}
	t.Logf("gccgo returned %d keys after the clear over 5 runs; the model returned the same keys", stale)
}

// The comparison is not blind: a changed figure in the real map's records
// is a mismatch.
func TestCompareDetectsDifferences(t *testing.T) {
	bin := probeBin(t)
	ops := Generate(4, 400)
	real, err := RunProbe(context.Background(), bin, ops)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := Compare(4, ops, real); err != nil || res.Failed() {
		t.Fatalf("unchanged records: %v %+v", err, res)
	}
	corrupt := []struct {
		name string
		f    func(r *record.Record)
	}{
		{"count", func(r *record.Record) { r.Map.Count++ }},
		{"noverflow", func(r *record.Record) { r.Map.Noverflow++ }},
		{"tophash", func(r *record.Record) {
			b := []byte(r.Map.Buckets[0])
			b[0] ^= 1
			r.Map.Buckets[0] = string(b)
		}},
		{"hash", func(r *record.Record) { r.Hash ^= 1 << 63 }},
	}
	for _, c := range corrupt {
		recs := append([]record.Record(nil), real...)
		i := 300
		for ; i < len(recs) && (ops[i].Kind != op.Insert || len(recs[i].Map.Buckets) == 0); i++ {
		}
		if i == len(recs) {
			t.Fatal("no insert to corrupt")
		}
		c.f(&recs[i])
		res, err := Compare(4, ops, recs)
		if err != nil {
			t.Fatal(err)
		}
		if res.RealHashMismatches == 0 {
			t.Errorf("corrupted %s at operation %d: no mismatch reported", c.name, i)
		}
	}
}

func TestIterCheckerCatchesViolations(t *testing.T) {
	ops := []op.Op{{Kind: op.Insert, Key: 1, Val: 1}, {Kind: op.Insert, Key: 2, Val: 2}, {Kind: op.IterStart}, {Kind: op.IterNext}, {Kind: op.IterNext}}
	for _, c := range []struct {
		name string
		recs []record.Record
	}{
		{"twice", []record.Record{{}, {}, {Found: true, Key: 1, Val: 1}, {Found: true, Key: 1, Val: 1}, {}}},
		{"missed", []record.Record{{}, {}, {Found: true, Key: 1, Val: 1}, {}, {}}},
		{"stale elem", []record.Record{{}, {}, {Found: true, Key: 1, Val: 7}, {Found: true, Key: 2, Val: 2}, {}}},
		{"not in map", []record.Record{{}, {}, {Found: true, Key: 3, Val: 3}, {}, {}}},
	} {
		ic := newIterChecker()
		for i, o := range ops {
			ic.step(i, o, &c.recs[i])
		}
		if len(ic.violations) == 0 {
			t.Errorf("%s: no violation reported", c.name)
		}
	}
}

// Generate is deterministic: the same seed gives the same operations.
func TestGenerateDeterministic(t *testing.T) {
	if a, b := Generate(7, 3000), Generate(7, 3000); !slices.Equal(a, b) {
		t.Fatal("Generate is not deterministic")
	}
}

// READING.md: inserting into map[int]int under gccgo-12 grows B at the
// 9th, 14th, 27th, 53rd, 105th ... insert; the model says the same.
func TestGrowthPointsOnGccgo(t *testing.T) {
	bin := probeBin(t)
	var ops []op.Op
	for i := range 900 {
		ops = append(ops, op.Op{Kind: op.Insert, Key: i, Val: i})
	}
	real, err := RunProbe(context.Background(), bin, ops)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{9, 14, 27, 53, 105, 209, 417, 833}
	var got []int
	for _, g := range growths(ops, real) {
		got = append(got, g.Op+1)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("gccgo grew B at inserts %v, want %v", got, want)
	}
	res, err := Compare(0, ops, real)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() {
		t.Fatalf("model and gccgo disagree:\n%s", strings.Join(res.Details, "\n"))
	}
}

// make(map[int]int, hint) picks B and preallocates overflow buckets the
// same way in the model and in gccgo.
func TestSizeHintsOnGccgo(t *testing.T) {
	bin := probeBin(t)
	var ops []op.Op
	for _, h := range []int{0, 8, 9, 13, 14, 26, 27, 104, 105, 1000, 5000} {
		ops = append(ops, op.Op{Kind: op.Make, Key: h}, op.Op{Kind: op.Insert, Key: 1, Val: 1})
	}
	real, err := RunProbe(context.Background(), bin, ops)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Compare(0, ops, real)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() {
		t.Fatalf("model and gccgo disagree:\n%s", strings.Join(res.Details, "\n"))
	}
	if last := real[len(real)-1].Map; last.B != 10 || last.Free == 0 {
		t.Fatalf("make(map[int]int, 5000): B=%d with %d free preallocated overflow buckets, want B=10 and some", last.B, last.Free)
	}
}

// The same program on this toolchain's Swiss map: clear ends the range.
// (Go 1.21 fixed the classic map too; Go 1.24+ maps check clearSeq.)
func TestClearStopsRangeOnGc(t *testing.T) {
	stale := 0
	for run := 0; run < 100; run++ {
		m := map[int]int{}
		for i := range 26 {
			m[i] = i
		}
		n := 0
		for range m {
			switch n {
			case 0:
				m[100] = 100
			case 1:
				clear(m)
			default:
				stale++
			}
			n++
		}
	}
	if stale != 0 {
		t.Fatalf("%d keys returned after clear over 100 runs", stale)
	}
}

// A doubling postponed by a same-size grow on one side makes B
// hash-dependent for the rest of that map: not a mismatch, but excluded
// and counted. A B difference without a postponement is a mismatch.
func TestIndependentPostponedDoubling(t *testing.T) {
	ins := op.Op{Kind: op.Insert, Key: 1}
	step := func(c *independent, i int, prevR, r, prevO, o record.Map) {
		c.step(i, ins, &prevR, &r, &prevO, &o)
	}
	// count 52 at B=3: the 53rd key must double the map. The real map is
	// in a same-size grow and keeps B=3; the model doubles.
	c := &independent{comparable: true}
	step(c, 0, record.Map{Count: 52, B: 3, Growing: true, SameSize: true}, record.Map{Count: 53, B: 3, Growing: true, SameSize: true},
		record.Map{Count: 52, B: 3}, record.Map{Count: 53, B: 4, Growing: true})
	step(c, 1, record.Map{Count: 53, B: 3}, record.Map{Count: 54, B: 4, Growing: true}, record.Map{Count: 53, B: 4}, record.Map{Count: 54, B: 4})
	if c.Mismatches != 0 || c.PostponedRe != 1 || c.Excluded != 2 {
		t.Fatalf("postponed doubling: %d mismatches, %d postponed, %d excluded", c.Mismatches, c.PostponedRe, c.Excluded)
	}
	c = &independent{comparable: true}
	step(c, 0, record.Map{Count: 20, B: 2}, record.Map{Count: 21, B: 2}, record.Map{Count: 20, B: 2}, record.Map{Count: 21, B: 3})
	if c.Mismatches != 1 {
		t.Fatalf("B differs without a postponement: %d mismatches", c.Mismatches)
	}
}
