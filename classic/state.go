package classic

import (
	"cmp"
	"fmt"
)

// State is a copy of the map's header and buckets, in the runtime's terms.
// It mirrors hmap and bmap of libgo/go/runtime/map.go (GCC 12, Go 1.18
// runtime); classic/verify compares it field by field with what the
// inspector reads from a real gccgo map.
type State struct {
	Count     int    `json:"count"`
	Flags     uint8  `json:"flags"`
	FlagsText string `json:"flagsText"`
	B         uint8  `json:"B"`
	Noverflow uint16 `json:"noverflow"`
	Hash0     uint32 `json:"hash0"`
	Growing   bool   `json:"growing"`
	SameSize  bool   `json:"sameSize"`
	Nevacuate uint64 `json:"nevacuate"`

	// Buckets has 1<<B chains (nil before the first insert into a map made
	// without a hint); OldBuckets has the old array's chains while growing.
	Buckets    []Chain `json:"buckets"`
	OldBuckets []Chain `json:"oldBuckets,omitempty"`

	// Overflow bookkeeping (hmap.extra): overflow buckets recorded for the
	// current and the old array (pointer-free maps only), and preallocated
	// overflow buckets still free.
	Overflow     int `json:"overflow"`
	OldOverflow  int `json:"oldOverflow"`
	PreallocFree int `json:"preallocFree"`
}

// Chain is a bucket and its overflow buckets, in chain order.
type Chain []Bucket

// Bucket is one bmap: the tophash bytes and the keys as text. A slot whose
// tophash marks it empty or evacuated may still show the stale key the
// runtime leaves there.
type Bucket struct {
	TopHash  [bucketCnt]uint8  `json:"tophash"`
	Keys     [bucketCnt]string `json:"keys"`
	Elems    [bucketCnt]string `json:"elems"`
	Prealloc bool              `json:"prealloc,omitempty"` // a preallocated overflow bucket
}

// Live reports how many slots hold a live key (tophash >= MinTopHash).
func (b Bucket) Live() int {
	n := 0
	for _, t := range b.TopHash {
		if t >= MinTopHash {
			n++
		}
	}
	return n
}

// State returns a snapshot of the map.
func (m *Map[K, V]) State() State {
	s := State{
		Count: m.count, Flags: m.flags, FlagsText: FlagsString(m.flags), B: m.b,
		Noverflow: m.noverflow, Hash0: m.hash0, Growing: m.oldbuckets != nil,
		SameSize: m.flags&FlagSameSizeGrow != 0, Nevacuate: m.nevacuate,
	}
	if m.buckets != nil {
		s.Buckets = chains(m.buckets)
	}
	if m.oldbuckets != nil {
		s.OldBuckets = chains(m.oldbuckets)
	}
	if x := m.extra; x != nil {
		if x.overflow != nil {
			s.Overflow = len(*x.overflow)
		}
		if x.oldoverflow != nil {
			s.OldOverflow = len(*x.oldoverflow)
		}
		if n := x.nextOverflow; n != nil {
			s.PreallocFree = len(n.arr.b) - n.index
		}
	}
	return s
}

func chains[K cmp.Ordered, V any](a *bucketArray[K, V]) []Chain {
	out := make([]Chain, a.base)
	for i := range out {
		for b := &a.b[i]; b != nil; b = b.overflow {
			var c Bucket
			c.TopHash = b.tophash
			c.Prealloc = b.arr != nil && b.index >= b.arr.base
			for j := range b.keys {
				if b.tophash[j] != EmptyRest || b.keys[j] != *new(K) {
					c.Keys[j] = fmt.Sprint(b.keys[j])
					c.Elems[j] = fmt.Sprint(b.elems[j])
				}
			}
			out[i] = append(out[i], c)
		}
	}
	return out
}
