package inspect

// This file holds the types Inspect returns. It builds with gc and with
// gccgo (Go 1.18 language: no generics, no min/max, no range over int).

// Implementation names, the value of Layout.Impl and IterState.Impl.
const (
	ImplSwiss   = "swiss"   // gc, Go 1.24 and later: internal/runtime/maps
	ImplClassic = "classic" // gccgo's libgo: the Go 1.18 runtime's runtime/map.go
)

// Swiss table constants (internal/runtime/maps, Go 1.26 and 1.27): slots
// per group, and the load a table grows at, maxAvgGroupLoad/groupSlots.
// Shared by both builds because Stats uses them.
const (
	groupSlots      = 8 // abi.MapGroupSlots
	maxAvgGroupLoad = 7 // maps.maxAvgGroupLoad
)

// Layout is what Inspect read from one live map.
type Layout struct {
	Impl     string `json:"impl"`     // ImplSwiss or ImplClassic
	Compiler string `json:"compiler"` // runtime.Compiler of the inspecting program
	Runtime  string `json:"runtime"`  // the runtime whose layout was read, e.g. "go1.26.8"
	Type     string `json:"type"`     // the map type, e.g. "map[int]int"
	Len      int    `json:"len"`      // len(m), checked against the header's count
	Nil      bool   `json:"nil"`      // m is a nil map (no header)

	KeySize  uintptr `json:"keySize"`  // reflect's key size
	ElemSize uintptr `json:"elemSize"` // reflect's element size
	// IndirectKey and IndirectElem report keys or elements over 128 bytes,
	// which the map stores as pointers to separate allocations.
	IndirectKey  bool `json:"indirectKey"`
	IndirectElem bool `json:"indirectElem"`

	Swiss   *SwissLayout   `json:"swiss,omitempty"`
	Classic *ClassicLayout `json:"classic,omitempty"`
}

// SwissLayout is a gc map (internal/runtime/maps.Map) and its tables.
type SwissLayout struct {
	Used    uint64 `json:"used"`    // Map.used
	SeedSet bool   `json:"seedSet"` // Map.seed != 0 (a seed of 0 is possible but has probability 2^-64)
	// Small is the small-map mode: at most 8 entries in one group, no
	// directory (Map.dirLen == 0). SmallGroup is that group's control
	// bytes, nil if no group was allocated yet.
	Small       bool   `json:"small"`
	SmallGroup  *Group `json:"smallGroup,omitempty"`
	DirLen      int    `json:"dirLen"`      // Map.dirLen: 1<<GlobalDepth, or 0 in small mode
	GlobalDepth uint8  `json:"globalDepth"` // Map.globalDepth
	// TombstonePossible is Map.tombstonePossible: false means no table
	// holds a deleted slot.
	TombstonePossible bool   `json:"tombstonePossible"`
	ClearSeq          uint64 `json:"clearSeq"` // Map.clearSeq: how many times clear(m) ran on a non-empty map

	// SplitGroups: groups hold 8 keys then 8 elements
	// (GOEXPERIMENT=mapsplitgroup, Go 1.27) instead of 8 key/element pairs.
	SplitGroups bool    `json:"splitGroups"`
	GroupSize   uintptr `json:"groupSize"` // bytes of one group: 8 control bytes and 8 slots
	SlotSize    uintptr `json:"slotSize"`  // bytes of one key/element slot (interleaved layout) or key+elem strides (split layout)

	// Tables are the distinct tables in directory order; Directory maps
	// each directory entry to an index into Tables (several entries share
	// a table whose LocalDepth is below GlobalDepth).
	Tables    []Table `json:"tables"`
	Directory []int   `json:"directory,omitempty"`
}

// Table is one Swiss table (internal/runtime/maps.table).
type Table struct {
	Index      int     `json:"index"`      // table.index: its first directory entry
	LocalDepth uint8   `json:"localDepth"` // table.localDepth
	Capacity   int     `json:"capacity"`   // table.capacity: slots, a power of two
	Used       int     `json:"used"`       // table.used
	GrowthLeft int     `json:"growthLeft"` // table.growthLeft: inserts before it must grow (or split)
	Tombstones int     `json:"tombstones"` // deleted slots, counted from the control bytes
	Empty      int     `json:"empty"`      // empty slots, counted from the control bytes
	Groups     []Group `json:"groups,omitempty"`
}

// Group is the 8 control bytes of one group, slot 0 first.
type Group [8]Ctrl

// Ctrl is one control byte of a Swiss group.
//
//	empty:   1000 0000
//	deleted: 1111 1110
//	full:    0hhh hhhh   (h = H2, the low 7 bits of the key's hash)
type Ctrl uint8

// Control byte values (internal/runtime/maps/group.go).
const (
	CtrlEmpty   Ctrl = 0x80
	CtrlDeleted Ctrl = 0xfe
)

// IsEmpty, IsDeleted and IsFull classify a control byte.
func (c Ctrl) IsEmpty() bool   { return c == CtrlEmpty }
func (c Ctrl) IsDeleted() bool { return c == CtrlDeleted }
func (c Ctrl) IsFull() bool    { return c&0x80 == 0 }

// H2 is the hash fragment of a full slot (0 for empty and deleted).
func (c Ctrl) H2() uint8 {
	if !c.IsFull() {
		return 0
	}
	return uint8(c)
}

// ClassicLayout is a gccgo map (libgo runtime.hmap) and its buckets.
type ClassicLayout struct {
	Count     int     `json:"count"`     // hmap.count
	Flags     uint8   `json:"flags"`     // hmap.flags (1 iterator, 2 oldIterator, 4 hashWriting, 8 sameSizeGrow)
	B         uint8   `json:"B"`         // hmap.B: log2 of the number of buckets
	NOverflow uint16  `json:"noverflow"` // hmap.noverflow: approximate overflow bucket count
	Hash0Set  bool    `json:"hash0Set"`  // hmap.hash0 != 0 (0 is possible with probability 2^-32)
	Growing   bool    `json:"growing"`   // hmap.oldbuckets != nil: evacuation in progress
	SameSize  bool    `json:"sameSize"`  // the growth in progress keeps the bucket count (flags&8)
	NEvacuate uintptr `json:"nevacuate"` // hmap.nevacuate: old buckets below this are evacuated

	BucketSize uintptr `json:"bucketSize"` // maptype.bucketsize: bytes of one bucket
	// Buckets is the current bucket array (1<<B buckets, nil when the
	// array is not allocated yet); OldBuckets the array being evacuated
	// (nil unless Growing).
	Buckets    []Bucket `json:"buckets,omitempty"`
	OldBuckets []Bucket `json:"oldBuckets,omitempty"`
	// FreeOverflow counts preallocated overflow buckets not in use yet
	// (hmap.extra.nextOverflow onwards).
	FreeOverflow int `json:"freeOverflow"`
	// Extra reports the optional hmap.extra record (overflow bookkeeping).
	Extra bool `json:"extra"`
}

// Bucket is one bucket of a classic map with its overflow chain.
type Bucket struct {
	Overflow  int  `json:"overflow"`  // overflow buckets chained to this one
	Entries   int  `json:"entries"`   // full cells (tophash >= 5) in the bucket and its chain
	Evacuated bool `json:"evacuated"` // the first tophash is an evacuation mark: the entries moved to the new array
	// Chain holds the tophash arrays of the bucket and then of each
	// overflow bucket, in chain order (nil with Options.NoGroups).
	Chain []TopHash `json:"chain,omitempty"`
}

// TopHash is the tophash array of one bucket.
type TopHash [8]Top

// Top is one tophash byte of a classic bucket. Values below 5 are marks.
type Top uint8

// Tophash marks (runtime/map.go, Go 1.18).
const (
	TopEmptyRest      Top = 0 // empty, and all later cells and overflow buckets are empty
	TopEmptyOne       Top = 1 // empty
	TopEvacuatedX     Top = 2 // moved to the first half of the new array
	TopEvacuatedY     Top = 3 // moved to the second half
	TopEvacuatedEmpty Top = 4 // empty, bucket evacuated
	TopMin            Top = 5 // smallest tophash of a full cell
)

// IsEmpty reports an empty cell (emptyRest, emptyOne or evacuatedEmpty).
func (t Top) IsEmpty() bool { return t <= TopEmptyOne || t == TopEvacuatedEmpty }

// IsEvacuated reports an evacuation mark (evacuatedX, evacuatedY, evacuatedEmpty).
func (t Top) IsEvacuated() bool { return t >= TopEvacuatedX && t <= TopEvacuatedEmpty }

// IsFull reports a cell that holds a live key (tophash >= 5).
func (t Top) IsFull() bool { return t >= TopMin }

// IterState is a live iterator's runtime state, read by Iter from a
// reflect.MapIter.
type IterState struct {
	Impl    string `json:"impl"`
	Started bool   `json:"started"` // Next was called at least once
	Done    bool   `json:"done"`    // Next returned false

	Swiss   *SwissIter   `json:"swiss,omitempty"`
	Classic *ClassicIter `json:"classic,omitempty"`
}

// SwissIter is internal/runtime/maps.Iter, plus what it refers to.
type SwissIter struct {
	// Small: the iterator walks the small-map group (Iter.dirIdx == -1).
	Small bool `json:"small"`
	// DirIdx and EntryIdx are the positions before the random offsets
	// are added (Iter.dirIdx, Iter.entryIdx); DirOffset and EntryOffset
	// are those offsets.
	DirIdx      int    `json:"dirIdx"`
	DirOffset   uint64 `json:"dirOffset"`
	EntryIdx    uint64 `json:"entryIdx"`
	EntryOffset uint64 `json:"entryOffset"`
	// GlobalDepth is the directory depth the iterator saw at its last
	// Next (Iter.globalDepth); MapGlobalDepth is the map's depth now.
	GlobalDepth    uint8  `json:"globalDepth"`
	MapGlobalDepth uint8  `json:"mapGlobalDepth"`
	ClearSeq       uint64 `json:"clearSeq"`    // Iter.clearSeq: the map's clearSeq when iteration began
	MapClearSeq    uint64 `json:"mapClearSeq"` // the map's clearSeq now

	// HasTable: the iterator holds a current table (Iter.tab != nil).
	// TableIndex, TableCapacity and TableLocalDepth describe it.
	// TableIndex is -1 once the table was replaced by a grow or a split:
	// the iterator keeps walking the old table and looks entries up in
	// the new ones. TableInDirectory reports whether the map's directory
	// still points to it.
	HasTable         bool  `json:"hasTable"`
	TableIndex       int   `json:"tableIndex"`
	TableCapacity    int   `json:"tableCapacity"`
	TableLocalDepth  uint8 `json:"tableLocalDepth"`
	TableInDirectory bool  `json:"tableInDirectory"`
	// GroupStale (small mode only): the map left small mode after the
	// iterator started, so its group is no longer the map's storage.
	GroupStale bool `json:"groupStale"`
}

// ClassicIter is libgo's runtime.hiter (Go 1.18), plus what it refers to.
type ClassicIter struct {
	Bucket      uintptr `json:"bucket"`      // hiter.bucket: next bucket to visit
	I           uint8   `json:"i"`           // hiter.i: next cell in the current bucket
	StartBucket uintptr `json:"startBucket"` // hiter.startBucket: where iteration began
	Offset      uint8   `json:"offset"`      // hiter.offset: intra-bucket start cell
	Wrapped     bool    `json:"wrapped"`     // hiter.wrapped: passed the end of the array
	B           uint8   `json:"B"`           // hiter.B: the map's B when iteration began
	// CheckBucket is hiter.checkBucket: while it walks an old bucket not
	// yet evacuated, the new-array bucket whose keys it must filter;
	// NoCheck (all ones) otherwise.
	CheckBucket uintptr `json:"checkBucket"`
	NoCheck     bool    `json:"noCheck"` // CheckBucket is the noCheck sentinel
	// MapB is the map's B now; BucketsCurrent reports whether the
	// iterator's bucket array (hiter.buckets) is still the map's current
	// array, BucketsOld whether it became the array being evacuated.
	MapB           uint8 `json:"mapB"`
	BucketsCurrent bool  `json:"bucketsCurrent"`
	BucketsOld     bool  `json:"bucketsOld"`
	// InOverflow: the current bucket pointer (hiter.bptr) is an overflow
	// bucket rather than the head of its chain.
	InOverflow bool `json:"inOverflow"`
}
