package claims

import (
	"context"
	"fmt"

	"github.com/mapsafe/mapsafe/lab/child"
)

// Claim 16: performance of the alternatives, against a map guarded by a
// sync.RWMutex. The programs are in perfprograms.go; the figures are medians
// of alternating rounds (noisy on a loaded machine, so the evidence keeps
// both numbers and the ratio).

type ev16a struct {
	Locked, Snapshot float64 // writes per second
	Size             int
}

func (e ev16a) verdict() Verdict {
	switch {
	case e.Locked <= 0 || e.Snapshot <= 0:
		return Inconclusive
	case e.Snapshot >= e.Locked:
		return Holds
	default:
		return DoesNotHold
	}
}

func (e ev16a) summary() string {
	return fmt.Sprintf("%d-entry map, one writer: immutable snapshot (copy per write) %.0f writes/s, RWMutex map %.0f writes/s (snapshot/mutex = %.4f)",
		e.Size, e.Snapshot, e.Locked, e.Snapshot/e.Locked)
}

func measure16a(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "write throughput: snapshot map vs RWMutex map", child.Spec{Program: "claims/snapshot-writes"})
	if err != nil {
		return nil, err
	}
	var e ev16a
	if e.Locked, err = figureFloat(res, "rwmutex map writes/s"); err != nil {
		return nil, err
	}
	if e.Snapshot, err = figureFloat(res, "snapshot map writes/s"); err != nil {
		return nil, err
	}
	if e.Size, err = figureInt(res, "map size"); err != nil {
		return nil, err
	}
	return e, nil
}

// ev16b: read latency of two concurrent readers, read-only and with a
// writer. "Very low read latency" is taken as a general property: lower
// than the mutex-guarded map's in both workloads.
type ev16b struct {
	LockedNs, SyncNs             float64 // read-only
	LockedWriterNs, SyncWriterNs float64 // with a concurrent writer
}

func (e ev16b) verdict() Verdict {
	switch {
	case e.LockedNs <= 0 || e.SyncNs <= 0 || e.LockedWriterNs <= 0 || e.SyncWriterNs <= 0:
		return Inconclusive
	case e.SyncNs < e.LockedNs && e.SyncWriterNs < e.LockedWriterNs:
		return Holds
	default:
		return DoesNotHold
	}
}

func (e ev16b) summary() string {
	return fmt.Sprintf("two concurrent readers, reads only: sync.Map %.1f ns/read, RWMutex map %.1f (ratio %.2f); with a writer overwriting keys: sync.Map %.1f ns/read, RWMutex map %.1f (ratio %.2f)",
		e.SyncNs, e.LockedNs, e.SyncNs/e.LockedNs, e.SyncWriterNs, e.LockedWriterNs, e.SyncWriterNs/e.LockedWriterNs)
}

func measure16b(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "read latency: sync.Map vs RWMutex map, 2 readers, without and with a writer", child.Spec{Program: "claims/syncmap-reads"})
	if err != nil {
		return nil, err
	}
	var e ev16b
	for _, f := range []struct {
		dst  *float64
		name string
	}{
		{&e.LockedNs, "read-only rwmutex map ns/read"},
		{&e.SyncNs, "read-only sync.Map ns/read"},
		{&e.LockedWriterNs, "with writer rwmutex map ns/read"},
		{&e.SyncWriterNs, "with writer sync.Map ns/read"},
	} {
		if *f.dst, err = figureFloat(res, f.name); err != nil {
			return nil, err
		}
	}
	return e, nil
}
