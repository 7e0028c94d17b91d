package verify

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mapsafe/mapsafe/classic/op"
	"github.com/mapsafe/mapsafe/classic/verify/record"
)

// SeedResult is the comparison of one generated operation sequence.
type SeedResult struct {
	Seed uint64
	Ops  int

	Inserts, Deletes, Lookups, Clears int
	Iterations, IterSteps             int
	IterMidGrow                       int // iterations started while a grow was in progress
	IterCompleted                     int // iterations run to their end (on the real map)

	Doubling int // doubling grows (B went up), on the real map
	SameSize int // same-size grows, counted from the model's events in real-hash mode

	// RealHashMismatches counts operations after which the real map and
	// the model fed with the real hashes differ in any figure.
	RealHashMismatches int
	// OwnHashMismatches counts operations after which count or B differ
	// between the real map and the model with its own hash.
	OwnHashMismatches int
	// GrowthPoints reports whether the doubling grows started at the same
	// operations on the real map and the own-hash model.
	GrowthPoints bool
	// B stops being hash-independent for a map once a same-size grow in
	// progress postpones a doubling on either side (see postponed):
	// Postponed counts those events (real map, own-hash model) and
	// BExcluded the operations whose B and growth points were therefore
	// not compared. Count is compared everywhere.
	PostponedReal, PostponedOwn, BExcluded int

	// Iteration guarantee violations, on the real map and on the own-hash
	// model (whose iteration order differs).
	RealIterViolations, ModelIterViolations int
	// Keys an iterator returned after a clear removed them: the Go 1.18
	// runtime's behaviour (fixed in Go 1.21, golang/go#59411), reported
	// apart from violations (see iterChecker).
	RealStaleAfterClear, ModelStaleAfterClear int

	// Details holds the first few mismatches and violations, for humans.
	Details []string
}

// Failed reports any mismatch or violation.
func (r *SeedResult) Failed() bool {
	return r.RealHashMismatches > 0 || r.OwnHashMismatches > 0 || !r.GrowthPoints ||
		r.RealIterViolations > 0 || r.ModelIterViolations > 0
}

const maxDetails = 5

func (r *SeedResult) detail(format string, args ...any) {
	if len(r.Details) < maxDetails {
		r.Details = append(r.Details, fmt.Sprintf(format, args...))
	}
}

// Compare runs ops on the model twice (with the real hashes, and with its
// own) and compares both runs with the real map's records.
func Compare(seed uint64, ops []op.Op, real []record.Record) (*SeedResult, error) {
	if len(real) != len(ops) {
		return nil, fmt.Errorf("%d records for %d operations", len(real), len(ops))
	}
	res := &SeedResult{Seed: seed, Ops: len(ops)}
	for _, o := range ops {
		switch o.Kind {
		case op.Insert:
			res.Inserts++
		case op.Delete:
			res.Deletes++
		case op.Lookup:
			res.Lookups++
		case op.Clear:
			res.Clears++
		case op.IterNext:
			res.IterSteps++
		}
	}

	// Real hashes: every figure must agree.
	rh, err := newModelSide(RealHash, seed)
	if err != nil {
		return nil, err
	}
	for i, o := range ops {
		mrec, err := rh.apply(i, o, &real[i])
		if err != nil {
			res.RealHashMismatches++
			res.detail("real-hash model: %v", err)
			continue
		}
		if d := diffRecords(&real[i], &mrec); len(d) > 0 {
			res.RealHashMismatches++
			res.detail("real-hash model, operation %d (%v): %s", i, o, strings.Join(d, "; "))
		}
	}
	res.SameSize = rh.sameSize

	// Own hash: count, B and the growth points must agree; iteration
	// guarantees must hold on both.
	oh, err := newModelSide(OwnHash, seed)
	if err != nil {
		return nil, err
	}
	own := make([]record.Record, len(ops))
	realIt, ownIt := newIterChecker(), newIterChecker()
	ind := &independent{comparable: true}
	var prevReal, prevOwn record.Map
	for i, o := range ops {
		if own[i], err = oh.apply(i, o, nil); err != nil {
			return nil, err
		}
		ind.step(i, o, &prevReal, &real[i].Map, &prevOwn, &own[i].Map)
		prevReal, prevOwn = real[i].Map, own[i].Map
		if o.Kind == op.IterStart && real[i].Map.Growing {
			res.IterMidGrow++
		}
		realIt.step(i, o, &real[i])
		ownIt.step(i, o, &own[i])
	}
	res.OwnHashMismatches = ind.Mismatches
	for _, d := range ind.details {
		res.detail("own-hash model, %s", d)
	}
	res.PostponedReal, res.PostponedOwn, res.BExcluded = ind.PostponedRe, ind.PostponedOwn, ind.Excluded
	res.GrowthPoints = slices.Equal(ind.realDoubling, ind.ownDoubling)
	if !res.GrowthPoints {
		res.detail("doubling grows started at operations %v on the real map, %v on the own-hash model", ind.realDoubling, ind.ownDoubling)
	}
	res.Iterations = realIt.Iterations
	res.IterCompleted = realIt.Completed
	res.RealIterViolations = len(realIt.violations)
	res.ModelIterViolations = len(ownIt.violations)
	res.RealStaleAfterClear = realIt.StaleAfterClear
	res.ModelStaleAfterClear = ownIt.StaleAfterClear
	for _, v := range realIt.violations {
		res.detail("gccgo map iteration: %s", v)
	}
	for _, v := range ownIt.violations {
		res.detail("model iteration: %s", v)
	}

	res.Doubling = len(doublingOps(growths(ops, real)))
	return res, nil
}

// Options configure Run.
type Options struct {
	Seeds []uint64
	Ops   int    // operations per seed
	Probe string // the probe binary (BuildProbe)
}

// Run generates, runs and compares one operation sequence per seed.
func Run(ctx context.Context, opt Options) ([]*SeedResult, error) {
	if opt.Ops <= 0 {
		return nil, fmt.Errorf("the number of operations must be positive, got %d", opt.Ops)
	}
	var out []*SeedResult
	for _, seed := range opt.Seeds {
		ops := Generate(seed, opt.Ops)
		real, err := RunProbe(ctx, opt.Probe, ops)
		if err != nil {
			return nil, fmt.Errorf("seed %d: %v", seed, err)
		}
		res, err := Compare(seed, ops, real)
		if err != nil {
			return nil, fmt.Errorf("seed %d: %v", seed, err)
		}
		out = append(out, res)
	}
	return out, nil
}

// WriteTable prints the agreement table, one row per seed and a total.
func WriteTable(w io.Writer, results []*SeedResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "seed\tops\tinserts\tdeletes\tclears\titerations\tstarted mid-grow\tdoubling grows\tsame-size grows\treal-hash mismatches\town-hash mismatches\tgrowth points\tdoublings postponed (gccgo/model)\titeration violations (gccgo/model)\tstale after clear (gccgo/model)\t")
	var t SeedResult
	t.GrowthPoints = true
	for _, r := range results {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%d/%d\t%d/%d\t%d/%d\t\n", r.Seed, r.Ops, r.Inserts, r.Deletes, r.Clears,
			r.Iterations, r.IterMidGrow, r.Doubling, r.SameSize, r.RealHashMismatches, r.OwnHashMismatches, agree(r.GrowthPoints),
			r.PostponedReal, r.PostponedOwn, r.RealIterViolations, r.ModelIterViolations, r.RealStaleAfterClear, r.ModelStaleAfterClear)
		t.Ops += r.Ops
		t.Inserts += r.Inserts
		t.Deletes += r.Deletes
		t.Clears += r.Clears
		t.Iterations += r.Iterations
		t.IterMidGrow += r.IterMidGrow
		t.Doubling += r.Doubling
		t.SameSize += r.SameSize
		t.RealHashMismatches += r.RealHashMismatches
		t.OwnHashMismatches += r.OwnHashMismatches
		t.GrowthPoints = t.GrowthPoints && r.GrowthPoints
		t.PostponedReal += r.PostponedReal
		t.PostponedOwn += r.PostponedOwn
		t.RealIterViolations += r.RealIterViolations
		t.ModelIterViolations += r.ModelIterViolations
		t.RealStaleAfterClear += r.RealStaleAfterClear
		t.ModelStaleAfterClear += r.ModelStaleAfterClear
	}
	if len(results) > 1 {
		fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%d/%d\t%d/%d\t%d/%d\t\n", t.Ops, t.Inserts, t.Deletes, t.Clears,
			t.Iterations, t.IterMidGrow, t.Doubling, t.SameSize, t.RealHashMismatches, t.OwnHashMismatches, agree(t.GrowthPoints),
			t.PostponedReal, t.PostponedOwn, t.RealIterViolations, t.ModelIterViolations, t.RealStaleAfterClear, t.ModelStaleAfterClear)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		for _, d := range r.Details {
			fmt.Fprintf(w, "seed %d: %s\n", r.Seed, d)
		}
	}
	return nil
}

func agree(ok bool) string {
	if ok {
		return "same"
	}
	return "DIFFER"
}
