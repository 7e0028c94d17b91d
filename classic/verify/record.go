package verify

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mapsafe/mapsafe/classic"
)

// Record is what one side reports after one operation. The probe writes it
// as JSON (probe/main.go has the same fields); the model side fills it from
// classic.State and classic.Cursor.
type Record struct {
	Op    int      `json:"op"`
	Hash  uint64   `json:"hash,omitempty"`  // the key's hash under the seed in effect (real map only)
	Found bool     `json:"found,omitempty"` // a lookup found the key, or the iterator returned one
	Key   int      `json:"key,omitempty"`   // the key the iterator returned
	Val   int      `json:"val,omitempty"`   // the elem a lookup or the iterator returned
	Map   MapObs   `json:"map"`
	Iter  *IterObs `json:"iter,omitempty"` // the open iteration, if any
	// After an operation that emptied the map, and so gave it a new hash
	// seed, while an iteration was open: the new hashes of the keys that
	// iteration may still meet in a bucket array the map no longer uses
	// (the runtime hashes them when it filters or re-looks them up).
	RehashKeys   []int    `json:"rk,omitempty"`
	RehashHashes []uint64 `json:"rh,omitempty"`
}

// MapObs is the header and the buckets. A bucket chain is the hex of its
// tophash bytes, 16 digits per bucket, overflow buckets after dots.
type MapObs struct {
	Count     int      `json:"count"`
	Flags     uint8    `json:"flags"`
	B         uint8    `json:"B"`
	Noverflow uint16   `json:"noverflow"`
	Growing   bool     `json:"growing"`
	SameSize  bool     `json:"sameSize"`
	Nevacuate uint64   `json:"nevacuate"`
	Free      int      `json:"free"` // preallocated overflow buckets not used yet
	Buckets   []string `json:"buckets,omitempty"`
	Old       []string `json:"old,omitempty"`
}

// IterObs is the iterator's state (hiter).
type IterObs struct {
	Done    bool   `json:"done"`
	Bucket  uint64 `json:"bucket"`
	I       uint8  `json:"i"`
	Start   uint64 `json:"start"`
	Offset  uint8  `json:"offset"`
	Wrapped bool   `json:"wrapped"`
	B       uint8  `json:"B"`
	Check   uint64 `json:"check"`
	NoCheck bool   `json:"noCheck"`
}

// ReadRecords decodes the probe's output, one record per line, refusing
// unknown fields so that the probe and this package cannot drift apart.
func ReadRecords(r io.Reader) ([]Record, error) {
	var recs []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var rec Record
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("probe output line %d: %v", line, err)
		}
		if rec.Op != line-1 {
			return nil, fmt.Errorf("probe output line %d is for operation %d", line, rec.Op)
		}
		recs = append(recs, rec)
	}
	return recs, sc.Err()
}

// mapObs converts a model snapshot.
func mapObs(s classic.State) MapObs {
	return MapObs{Count: s.Count, Flags: s.Flags, B: s.B, Noverflow: s.Noverflow, Growing: s.Growing,
		SameSize: s.SameSize, Nevacuate: s.Nevacuate, Free: s.PreallocFree,
		Buckets: encodeChains(s.Buckets), Old: encodeChains(s.OldBuckets)}
}

func encodeChains(cs []classic.Chain) []string {
	if cs == nil {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		parts := make([]string, len(c))
		for j, b := range c {
			parts[j] = hex.EncodeToString(b.TopHash[:])
		}
		out[i] = strings.Join(parts, ".")
	}
	return out
}

func iterObs(c classic.Cursor) *IterObs {
	o := &IterObs{Done: c.Done, Bucket: c.NextBucket, I: c.I, Start: c.StartBucket, Offset: c.Offset,
		Wrapped: c.Wrapped, B: c.B, Check: ^uint64(0), NoCheck: true}
	if c.CheckBucket >= 0 {
		o.Check, o.NoCheck = uint64(c.CheckBucket), false
	}
	return o
}
