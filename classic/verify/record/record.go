// Package record is what the classic verifier's two sides report after
// each operation: the gccgo probe (classic/verify/probe, which reads a real
// map with the inspector) writes one Record per line as JSON, and
// classic/verify fills the same types from the model and compares them.
// Sharing the types is what keeps the probe and the verifier in step.
//
// The package builds with gccgo 12 (Go 1.18: no generics, no min/max, no
// clear, nothing from the standard library newer than 1.18), because the
// probe imports it.
package record

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Record is what one side reports after one operation.
type Record struct {
	Op    int    `json:"op"`              // the operation's index, from 0
	Hash  uint64 `json:"hash,omitempty"`  // the key's hash under the seed in effect (real map only)
	Found bool   `json:"found,omitempty"` // a lookup found the key, or the range returned one
	Key   int    `json:"key,omitempty"`   // the key the range returned
	Val   int    `json:"val,omitempty"`   // the value a lookup or the range returned
	Map   Map    `json:"map"`
	Iter  *Iter  `json:"iter,omitempty"` // the open range, if any
	// After an operation that emptied the map, and so gave it a new hash
	// seed, while a range was open: the new hashes of the keys that range
	// may still meet in a bucket array the map no longer uses (the runtime
	// hashes them when it filters or re-looks them up). Real map only.
	RehashKeys   []int    `json:"rk,omitempty"`
	RehashHashes []uint64 `json:"rh,omitempty"`
}

// Map is the header (hmap) and the buckets. Each bucket chain is encoded
// by Chain.
type Map struct {
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

// Iter is the state of the open range's iterator (hiter).
type Iter struct {
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

// Chain encodes a bucket chain, the bucket's tophash bytes then each
// overflow bucket's: 16 hex digits per bucket, overflow buckets after dots.
func Chain(tophashes [][8]uint8) string {
	parts := make([]string, len(tophashes))
	for i := range tophashes {
		parts[i] = hex.EncodeToString(tophashes[i][:])
	}
	return strings.Join(parts, ".")
}

// Read decodes records written one per line, refusing unknown fields (a
// probe built from other sources than the reader) and records out of order.
func Read(r io.Reader) ([]Record, error) {
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
