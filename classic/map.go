package classic

import (
	"cmp"
	"fmt"
	"math/bits"
)

// Config chooses what the runtime would take from the map type and from the
// machine. The zero Config models map[int]int (8-byte keys and elems, no
// pointers) with the model's default hash and a fixed random source.
type Config[K cmp.Ordered] struct {
	// Hash is the key hash function (the runtime's t.hasher); seed is
	// hash0. It must be deterministic. NaN keys are handled by the map, as
	// the runtime does: their hash is random. Nil means DefaultHash.
	Hash func(key K, seed uint64) uint64

	// Rand is the runtime's fastrand: it chooses hash0, an iterator's start
	// and, for B >= 16, whether an overflow bucket is counted. Nil means a
	// deterministic generator seeded with Seed.
	Rand func() uint32
	Seed uint64

	// KeySize and ElemSize are the slot sizes in bytes (8 if zero); keys or
	// elems over 128 bytes occupy a pointer-sized slot, as in the runtime.
	// They only decide the bucket size, which decides how many overflow
	// buckets a bucket array preallocates.
	KeySize, ElemSize int

	// HasPointers says keys or elems contain pointers. The runtime then
	// clears evacuated old buckets (when no iterator may use them) and does
	// not record overflow buckets in hmap.extra.
	HasPointers bool

	// ClearMarksEmpty makes Clear behave as Go 1.21 and later: mark every
	// slot of both bucket arrays and their overflow chains emptyRest
	// before dropping them, so that an iteration in progress ends
	// (golang/go#59411). The default is Go 1.18's mapclear, after which
	// an iterator still reading the old array or an overflow bucket can
	// return keys the clear removed.
	ClearMarksEmpty bool
}

// Map is the model of one classic Go map (hmap) with its buckets. Its
// methods are the runtime's map functions; every step is reported to the
// observer as an Event.
//
// The fields mirror hmap, mapextra, bmap of libgo/go/runtime/map.go (GCC 12,
// Go 1.18 runtime); State exports them, and classic/verify compares them
// with a real gccgo map after every operation.
type Map[K cmp.Ordered, V any] struct {
	// hmap
	count      int
	flags      uint8
	b          uint8
	noverflow  uint16
	hash0      uint32
	buckets    *bucketArray[K, V]
	oldbuckets *bucketArray[K, V]
	nevacuate  uint64
	extra      *mapextra[K, V]

	hash        func(K, uint64) uint64
	rand        func() uint32
	bucketSize  uint64
	hasPointers bool
	clearMarks  bool

	observe func(Event)
	ops     int // public operations so far
	events  int // events so far
	iters   int // iterators created
	arrays  int // bucket arrays allocated
}

// mapextra holds the overflow bookkeeping (hmap.extra).
type mapextra[K cmp.Ordered, V any] struct {
	// overflow and oldoverflow keep overflow buckets of pointer-free maps
	// alive (the runtime's *[]*bmap; iterators hold the pointers too).
	overflow    *[]*bucket[K, V]
	oldoverflow *[]*bucket[K, V]

	// nextOverflow is the next free preallocated overflow bucket.
	nextOverflow *bucket[K, V]
}

// bucket is bmap: 8 tophash bytes, 8 keys, 8 elems, an overflow pointer.
type bucket[K cmp.Ordered, V any] struct {
	tophash  [bucketCnt]uint8
	keys     [bucketCnt]K
	elems    [bucketCnt]V
	overflow *bucket[K, V]

	arr   *bucketArray[K, V] // the array this bucket was allocated in, nil for a lone overflow bucket
	index int                // position in arr (>= 1<<B for preallocated overflow buckets)
}

// bucketArray is one allocation of buckets: 1<<B buckets, then the
// preallocated overflow buckets makeBucketArray added for B >= 4.
type bucketArray[K cmp.Ordered, V any] struct {
	b    []bucket[K, V]
	base int // 1<<B
	id   int
}

func (a *bucketArray[K, V]) at(i uint64) *bucket[K, V] { return &a.b[i] }

// MaxHintB bounds the bucket array New allocates for a size hint (the
// runtime would allocate up to its maxAlloc, 1<<48 bytes).
const MaxHintB = 24

// New models make(map[K]V, hint) (makemap; makemap_small when hint <= 8
// behaves the same). A negative hint is treated as 0, as the runtime does
// for a hint whose allocation would overflow.
func New[K cmp.Ordered, V any](hint int, cfg Config[K], observe func(Event)) (*Map[K, V], error) {
	ks, es := cfg.KeySize, cfg.ElemSize
	if ks == 0 {
		ks = 8
	}
	if es == 0 {
		es = 8
	}
	if ks < 0 || es < 0 {
		return nil, fmt.Errorf("classic: key size %d and elem size %d must not be negative", ks, es)
	}
	if ks > maxKeySize {
		ks = ptrSize
	}
	if es > maxElemSize {
		es = ptrSize
	}
	m := &Map[K, V]{
		hash:        cfg.Hash,
		rand:        cfg.Rand,
		hasPointers: cfg.HasPointers,
		clearMarks:  cfg.ClearMarksEmpty,
		observe:     observe,
	}
	if m.hash == nil {
		m.hash = DefaultHash[K]
	}
	if m.rand == nil {
		m.rand = newRand(cfg.Seed)
	}
	// bmap: tophash, keys, elems, overflow pointer, padded to pointer size.
	size := uint64(bucketCnt + bucketCnt*ks + bucketCnt*es)
	size = (size + ptrSize - 1) &^ (ptrSize - 1)
	m.bucketSize = size + ptrSize

	// The runtime multiplies the hint by the bucket size as a uintptr (a
	// negative hint wraps to a huge one) and ignores a hint whose product
	// overflows or exceeds maxAlloc (1<<48 on 64-bit platforms).
	if hi, lo := bits.Mul64(uint64(hint), m.bucketSize); hi != 0 || lo > maxAlloc {
		hint = 0
	}
	m.hash0 = m.rand()
	B := uint8(0)
	for OverLoadFactor(hint, B) {
		B++
	}
	if B > MaxHintB {
		return nil, fmt.Errorf("classic: make(map, %d) needs 2^%d buckets; the model allocates at most 2^%d up front", hint, B, MaxHintB)
	}
	m.b = B
	if B != 0 {
		var next *bucket[K, V]
		m.buckets, next = m.makeBucketArray(B, nil)
		if next != nil {
			m.extra = &mapextra[K, V]{nextOverflow: next}
		}
	}
	e := ev(EvMake)
	e.B, e.Reason = B, fmt.Sprintf("hint %d", hint)
	m.emit(e)
	return m, nil
}

// SetObserver replaces the event observer (nil: none).
func (m *Map[K, V]) SetObserver(f func(Event)) { m.observe = f }

// Len is len(m) (hmap.count).
func (m *Map[K, V]) Len() int { return m.count }

// B is log2 of the number of buckets.
func (m *Map[K, V]) B() uint8 { return m.b }

// Flags returns hmap.flags.
func (m *Map[K, V]) Flags() uint8 { return m.flags }

// Growing reports whether a grow is in progress (oldbuckets != nil).
func (m *Map[K, V]) Growing() bool { return m.oldbuckets != nil }

// SameSizeGrow reports whether the grow in progress keeps the bucket count.
func (m *Map[K, V]) SameSizeGrow() bool { return m.flags&FlagSameSizeGrow != 0 }

// Nevacuate returns the evacuation mark: old buckets below it are evacuated.
func (m *Map[K, V]) Nevacuate() uint64 { return m.nevacuate }

// Noverflow returns the (approximate for B >= 16) overflow bucket count.
func (m *Map[K, V]) Noverflow() uint16 { return m.noverflow }

// Hash0 returns the hash seed.
func (m *Map[K, V]) Hash0() uint32 { return m.hash0 }

// ev starts an event of kind with no bucket or slot.
func ev(kind EventKind) Event { return Event{Kind: kind, Bucket: -1, Slot: -1} }

func (m *Map[K, V]) emit(e Event) {
	m.events++
	if m.observe == nil {
		return
	}
	e.Seq = m.events
	e.Op = m.ops
	m.observe(e)
}

// makeBucketArray allocates (or, with dirty, clears) the bucket array for
// 1<<b buckets. For b >= 4 it adds 1<<(b-4) overflow buckets, rounded up
// to fill the allocator's size class, and returns the first of them. The
// last preallocated bucket's overflow pointer is set to a non-nil sentinel
// (the array's first bucket) to mark the end of the free run, as the
// runtime does.
func (m *Map[K, V]) makeBucketArray(b uint8, dirty *bucketArray[K, V]) (*bucketArray[K, V], *bucket[K, V]) {
	base := bucketShift(b)
	n := base
	if b >= 4 {
		n += bucketShift(b - 4)
		sz := m.bucketSize * n
		if up := roundupsize(sz); up != sz {
			n = up / m.bucketSize
		}
	}
	a := dirty
	if a == nil {
		m.arrays++
		a = &bucketArray[K, V]{b: make([]bucket[K, V], n), base: int(base), id: m.arrays}
		for i := range a.b {
			a.b[i].arr, a.b[i].index = a, i
		}
	} else {
		for i := range a.b {
			a.b[i] = bucket[K, V]{arr: a, index: i}
		}
	}
	if base == n {
		return a, nil
	}
	a.b[n-1].overflow = &a.b[0]
	return a, &a.b[base]
}

// newoverflow chains an overflow bucket to b, taking a preallocated one if
// any is left.
func (m *Map[K, V]) newoverflow(b *bucket[K, V], old bool, idx uint64, chain int) *bucket[K, V] {
	var ovf *bucket[K, V]
	prealloc := false
	if m.extra != nil && m.extra.nextOverflow != nil {
		ovf = m.extra.nextOverflow
		prealloc = true
		if ovf.overflow == nil {
			m.extra.nextOverflow = &ovf.arr.b[ovf.index+1]
		} else {
			ovf.overflow = nil
			m.extra.nextOverflow = nil
		}
	} else {
		ovf = &bucket[K, V]{index: -1}
	}
	m.incrnoverflow()
	if !m.hasPointers {
		m.createOverflow()
		*m.extra.overflow = append(*m.extra.overflow, ovf)
	}
	b.overflow = ovf
	m.emit(Event{Kind: EvOverflow, Bucket: int(idx), Old: old, Chain: chain, Slot: -1, Prealloc: prealloc, Noverflow: m.noverflow})
	return ovf
}

// incrnoverflow counts an overflow bucket: exactly below B=16, above that
// with probability 1/2^(B-15) so that the uint16 can reach "as many as
// buckets".
func (m *Map[K, V]) incrnoverflow() {
	if m.b < 16 {
		m.noverflow++
		return
	}
	mask := uint32(1)<<(m.b-15) - 1
	if m.rand()&mask == 0 {
		m.noverflow++
	}
}

func (m *Map[K, V]) createOverflow() {
	if m.extra == nil {
		m.extra = &mapextra[K, V]{}
	}
	if m.extra.overflow == nil {
		m.extra.overflow = new([]*bucket[K, V])
	}
}

// noldbuckets is the bucket count before the grow in progress.
func (m *Map[K, V]) noldbuckets() uint64 {
	oldB := m.b
	if m.flags&FlagSameSizeGrow == 0 {
		oldB--
	}
	return bucketShift(oldB)
}

func (m *Map[K, V]) oldbucketmask() uint64 { return m.noldbuckets() - 1 }

// hashOf is t.hasher(key, hash0), with the runtime's treatment of NaN: a
// float key that is not equal to itself hashes to a random value.
func (m *Map[K, V]) hashOf(k K) uint64 {
	if k != k {
		return mix64(uint64(m.hash0) ^ uint64(m.rand())<<1)
	}
	return m.hash(k, uint64(m.hash0))
}

// Rand returns the random source the map draws from (Config.Rand, or the
// generator made from Config.Seed), so that several maps can share one
// stream as they share the runtime's fastrand.
func (m *Map[K, V]) Rand() func() uint32 { return m.rand }
