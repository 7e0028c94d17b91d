package verify

import (
	"github.com/mapsafe/mapsafe/classic"
	"github.com/mapsafe/mapsafe/classic/verify/record"
)

// mapRecord is the model's side of record.Map.
func mapRecord(s classic.State) record.Map {
	return record.Map{Count: s.Count, Flags: s.Flags, B: s.B, Noverflow: s.Noverflow, Growing: s.Growing,
		SameSize: s.SameSize, Nevacuate: s.Nevacuate, Free: s.PreallocFree,
		Buckets: chains(s.Buckets), Old: chains(s.OldBuckets)}
}

func chains(cs []classic.Chain) []string {
	if cs == nil {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		tops := make([][8]uint8, len(c))
		for j, b := range c {
			tops[j] = b.TopHash
		}
		out[i] = record.Chain(tops)
	}
	return out
}

// iterRecord is the model's side of record.Iter.
func iterRecord(c classic.Cursor) *record.Iter {
	o := &record.Iter{Done: c.Done, Bucket: c.NextBucket, I: c.I, Start: c.StartBucket, Offset: c.Offset,
		Wrapped: c.Wrapped, B: c.B, Check: ^uint64(0), NoCheck: true}
	if c.CheckBucket >= 0 {
		o.Check, o.NoCheck = uint64(c.CheckBucket), false
	}
	return o
}
