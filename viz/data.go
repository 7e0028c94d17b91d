package viz

import (
	"encoding/hex"

	"github.com/mapsafe/mapsafe/classic"
)

// Data is everything the page shows: a list of scenarios, each a list of
// frames to step through. It is computed in Go and embedded in the page as
// JSON; the page's script only draws frames.
type Data struct {
	Scenarios []*Scenario `json:"scenarios"`
	// Live is true when a server can run custom operations (/api/classic);
	// false in an exported file.
	Live bool `json:"live"`
}

// Scenario is one story: classic model frames or real Swiss map frames.
type Scenario struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Kind        string   `json:"kind"` // "classic" or "swiss"
	Description string   `json:"description"`
	Goroutines  []string `json:"goroutines,omitempty"` // interleaving scenarios
	Error       string   `json:"error,omitempty"`      // why there are no frames
	// Start is the frame the scenario opens on: the one that shows what
	// the scenario is about (the grow, the fatal error, the stale key).
	Start   int            `json:"start"`
	Classic []ClassicFrame `json:"classic,omitempty"`
	Swiss   []SwissFrame   `json:"swiss,omitempty"`
}

// ClassicFrame is the model after one event.
type ClassicFrame struct {
	Op     int    `json:"op"`     // operation number in the scenario
	OpText string `json:"opText"` // the Go statement being run
	Kind   string `json:"kind"`   // event kind
	Event  string `json:"event"`  // event text
	G      int    `json:"g"`      // goroutine (interleaving scenarios), -1 otherwise

	Header  Header           `json:"header"`
	Buckets []VChain         `json:"buckets"`
	Old     []VChain         `json:"old,omitempty"`
	Iters   []classic.Cursor `json:"iters,omitempty"`
	// Stale holds the bucket arrays iterators still read after the map
	// dropped them (Cursor.Array "stale"): Go 1.18's clear during a grow.
	Stale []StaleArray `json:"stale,omitempty"`
	Focus *Focus       `json:"focus,omitempty"` // the slot or bucket the event is about
	Fatal string       `json:"fatal,omitempty"`
}

// Header is hmap plus derived figures.
type Header struct {
	Count     int    `json:"count"`
	B         uint8  `json:"B"`
	Flags     string `json:"flags"`
	Noverflow uint16 `json:"noverflow"`
	Hash0     uint32 `json:"hash0"`
	Growing   string `json:"growing"` // "", "doubling" or "same-size"
	Nevacuate uint64 `json:"nevacuate"`
	OldCount  int    `json:"oldCount"`  // old buckets (while growing)
	Evacuated int    `json:"evacuated"` // old buckets already evacuated (some beyond nevacuate)
	Prealloc  int    `json:"prealloc"`  // preallocated overflow buckets still free
	LoadLimit int    `json:"loadLimit"` // the count at which the next new key doubles the map
}

// VChain is a bucket and its overflow buckets.
type VChain []VBucket

// VBucket is one bucket: tophash bytes as hex, keys as text.
type VBucket struct {
	T        string    `json:"t"`
	K        [8]string `json:"k"`
	Prealloc bool      `json:"p,omitempty"`
}

// StaleArray is a bucket array the map no longer uses, as iterator Iter
// reads it.
type StaleArray struct {
	Iter    int      `json:"iter"`
	Buckets []VChain `json:"buckets"`
}

// Focus points at what an event touched.
type Focus struct {
	Array  string `json:"array"` // "buckets", "old", or "stale": the stale array of iterator Iter
	Iter   int    `json:"iter,omitempty"`
	Bucket int    `json:"bucket"`
	Chain  int    `json:"chain"`
	Slot   int    `json:"slot"` // -1: the whole bucket
}

// SwissFrame is a real Swiss map after one operation.
type SwissFrame struct {
	Op          int          `json:"op"`
	OpText      string       `json:"opText"`
	Event       string       `json:"event"` // what changed in the layout
	Used        int          `json:"used"`
	Small       bool         `json:"small"`
	SmallGroup  string       `json:"smallGroup,omitempty"` // control bytes as hex
	DirLen      int          `json:"dirLen"`
	GlobalDepth int          `json:"globalDepth"`
	Directory   []int        `json:"directory,omitempty"`
	Tables      []STable     `json:"tables,omitempty"`
	Iter        *SwissCursor `json:"iter,omitempty"`
	// Focus is what the operation changed: one slot, or whole tables
	// (a grow or a split), nil when the layout did not change.
	Focus *SwissFocus `json:"focus,omitempty"`
}

// SwissFocus is what one operation changed in a Swiss map: the slot whose
// control byte changed (Table -1 for the small group), or, when tables
// were replaced, the new ones (Tables, and Slot -1).
type SwissFocus struct {
	Table  int   `json:"table"`
	Slot   int   `json:"slot"`
	Tables []int `json:"tables,omitempty"`
}

// STable is one Swiss table; Ctrl holds every group's control bytes as hex.
type STable struct {
	Index      int    `json:"index"`
	LocalDepth int    `json:"localDepth"`
	Capacity   int    `json:"capacity"`
	Used       int    `json:"used"`
	GrowthLeft int    `json:"growthLeft"`
	Tombstones int    `json:"tombstones"`
	Ctrl       string `json:"ctrl"`
}

// SwissCursor is where a live iterator took its last key: a table (index
// into Tables, -1 for the small group or a table no longer in the map) and
// a slot position in it.
type SwissCursor struct {
	Table int  `json:"table"`
	Slot  int  `json:"slot"`
	Small bool `json:"small"`
	Stale bool `json:"stale"` // the table was replaced since the iterator took it
	Done  bool `json:"done"`
}

// classicFrame converts a model snapshot.
func classicFrame(s classic.State) ClassicFrame {
	f := ClassicFrame{G: -1, Buckets: vchains(s.Buckets), Old: vchains(s.OldBuckets)}
	h := Header{Count: s.Count, B: s.B, Flags: s.FlagsText, Noverflow: s.Noverflow, Hash0: s.Hash0,
		Nevacuate: s.Nevacuate, OldCount: len(s.OldBuckets), Prealloc: s.PreallocFree}
	if s.Growing {
		h.Growing = "doubling"
		if s.SameSize {
			h.Growing = "same-size"
		}
		for _, c := range s.OldBuckets {
			if t := c[0].TopHash[0]; t > classic.EmptyOne && t < classic.MinTopHash {
				h.Evacuated++
			}
		}
	}
	h.LoadLimit = 8 // count > 8 and count > 13*2^(B-1)
	if s.B > 0 && 13<<(s.B-1) > h.LoadLimit {
		h.LoadLimit = 13 << (s.B - 1)
	}
	f.Header = h
	return f
}

func vchains(cs []classic.Chain) []VChain {
	if cs == nil {
		return nil
	}
	out := make([]VChain, len(cs))
	for i, c := range cs {
		out[i] = make(VChain, len(c))
		for j, b := range c {
			out[i][j] = VBucket{T: hex.EncodeToString(b.TopHash[:]), K: b.Keys, Prealloc: b.Prealloc}
		}
	}
	return out
}
