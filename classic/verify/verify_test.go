package verify

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mapsafe/mapsafe/internal/testenv"
)

var probe struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// probeBin builds the gccgo probe once per test binary.
func probeBin(t *testing.T) string {
	t.Helper()
	testenv.Gccgo(t)
	probe.once.Do(func() {
		root, err := ModuleRoot(".")
		if err != nil {
			probe.err = err
			return
		}
		probe.dir, probe.err = os.MkdirTemp("", "classic-verify-test-")
		if probe.err != nil {
			return
		}
		probe.bin, probe.err = BuildProbe(context.Background(), root, probe.dir)
	})
	if probe.err != nil {
		t.Fatal(probe.err)
	}
	return probe.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if probe.dir != "" {
		os.RemoveAll(probe.dir)
	}
	os.Exit(code)
}

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
	var ops []Op
	for i := range 26 {
		ops = append(ops, Op{Kind: OpInsert, Key: i, Val: i})
	}
	ops = append(ops, Op{Kind: OpIterStart}, Op{Kind: OpInsert, Key: 100, Val: 100}, Op{Kind: OpClear})
	for range 30 {
		ops = append(ops, Op{Kind: OpIterNext})
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
		f    func(r *Record)
	}{
		{"count", func(r *Record) { r.Map.Count++ }},
		{"noverflow", func(r *Record) { r.Map.Noverflow++ }},
		{"tophash", func(r *Record) {
			b := []byte(r.Map.Buckets[0])
			b[0] ^= 1
			r.Map.Buckets[0] = string(b)
		}},
		{"hash", func(r *Record) { r.Hash ^= 1 << 63 }},
	}
	for _, c := range corrupt {
		recs := append([]Record(nil), real...)
		i := 300
		for ; i < len(recs) && (ops[i].Kind != OpInsert || len(recs[i].Map.Buckets) == 0); i++ {
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
	ops := []Op{{Kind: OpInsert, Key: 1, Val: 1}, {Kind: OpInsert, Key: 2, Val: 2}, {Kind: OpIterStart}, {Kind: OpIterNext}, {Kind: OpIterNext}}
	for _, c := range []struct {
		name string
		recs []Record
	}{
		{"twice", []Record{{}, {}, {Found: true, Key: 1, Val: 1}, {Found: true, Key: 1, Val: 1}, {}}},
		{"missed", []Record{{}, {}, {Found: true, Key: 1, Val: 1}, {}, {}}},
		{"stale elem", []Record{{}, {}, {Found: true, Key: 1, Val: 7}, {Found: true, Key: 2, Val: 2}, {}}},
		{"not in map", []Record{{}, {}, {Found: true, Key: 3, Val: 3}, {}, {}}},
	} {
		ic := newIterChecker()
		for i, op := range ops {
			ic.step(i, op, &c.recs[i])
		}
		if len(ic.violations) == 0 {
			t.Errorf("%s: no violation reported", c.name)
		}
	}
}

func TestOpsRoundTrip(t *testing.T) {
	ops := Generate(7, 3000)
	var buf bytes.Buffer
	if err := WriteOps(&buf, ops); err != nil {
		t.Fatal(err)
	}
	back, err := ParseOps(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(ops) {
		t.Fatalf("%d ops back of %d", len(back), len(ops))
	}
	for i := range ops {
		if back[i] != ops[i] {
			t.Fatalf("op %d: %v became %v", i, ops[i], back[i])
		}
	}
	if g := Generate(7, 3000); !equalOps(g, ops) {
		t.Fatal("Generate is not deterministic")
	}
	for _, bad := range []string{"x 1", "i 1", "d", "i a 1", "dd 1"} {
		if _, err := ParseOps(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseOps(%q): no error", bad)
		}
	}
}

func equalOps(a, b []Op) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// READING.md: inserting into map[int]int under gccgo-12 grows B at the
// 9th, 14th, 27th, 53rd, 105th ... insert; the model says the same.
func TestGrowthPointsOnGccgo(t *testing.T) {
	bin := probeBin(t)
	var ops []Op
	for i := range 900 {
		ops = append(ops, Op{Kind: OpInsert, Key: i, Val: i})
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
	var ops []Op
	for _, h := range []int{0, 8, 9, 13, 14, 26, 27, 104, 105, 1000, 5000} {
		ops = append(ops, Op{Kind: OpNew, Key: h}, Op{Kind: OpInsert, Key: 1, Val: 1})
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
	ins := Op{Kind: OpInsert, Key: 1}
	step := func(c *independent, i int, prevR, r, prevO, o MapObs) {
		c.step(i, ins, &prevR, &r, &prevO, &o)
	}
	// count 52 at B=3: the 53rd key must double the map. The real map is
	// in a same-size grow and keeps B=3; the model doubles.
	c := &independent{comparable: true}
	step(c, 0, MapObs{Count: 52, B: 3, Growing: true, SameSize: true}, MapObs{Count: 53, B: 3, Growing: true, SameSize: true},
		MapObs{Count: 52, B: 3}, MapObs{Count: 53, B: 4, Growing: true})
	step(c, 1, MapObs{Count: 53, B: 3}, MapObs{Count: 54, B: 4, Growing: true}, MapObs{Count: 53, B: 4}, MapObs{Count: 54, B: 4})
	if c.Mismatches != 0 || c.PostponedRe != 1 || c.Excluded != 2 {
		t.Fatalf("postponed doubling: %d mismatches, %d postponed, %d excluded", c.Mismatches, c.PostponedRe, c.Excluded)
	}
	c = &independent{comparable: true}
	step(c, 0, MapObs{Count: 20, B: 2}, MapObs{Count: 21, B: 2}, MapObs{Count: 20, B: 2}, MapObs{Count: 21, B: 3})
	if c.Mismatches != 1 {
		t.Fatalf("B differs without a postponement: %d mismatches", c.Mismatches)
	}
}
