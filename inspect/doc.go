// Package inspect reads a live Go map's real runtime layout: on gc (Go
// 1.26 and 1.27) the Swiss-table map of internal/runtime/maps, on gccgo 12
// the classic bucket map of libgo (the Go 1.18 runtime's runtime/map.go).
// It is the article's section 2.5 (watching a map and its iterator with
// unsafe) made into an instrument that checks what it reads.
//
// # API
//
// The same API builds with gc and with gccgo (Go 1.18 language, no
// generics); which half of the result is filled depends on the compiler.
//
//	func Inspect(m any) (*Layout, error)                  // m holds a map value
//	func InspectWith(m any, opt Options) (*Layout, error) // Options{NoGroups: true}: counts only
//	func Iter(it *reflect.MapIter) (*IterState, error)     // a live iterator's state
//	func Locate(m any, key any) (*Location, error)         // where m's hash sends key
//	func (l *Layout) Stats() Stats                         // load, tombstones, bytes held vs needed
//	func Trace(m any, f func()) (*GrowthReport, error)     // how f grew m
//	func NewTracer(m any) (*Tracer, error)                 // t.StepKey(k) after each write of k; t.Report()
//
//	Layout{Impl "swiss"|"classic", Compiler, Runtime, Type, Len, Nil,
//	       KeySize, ElemSize, IndirectKey, IndirectElem, Swiss *SwissLayout, Classic *ClassicLayout}
//
//	SwissLayout{Used, SeedSet, Small, SmallGroup *Group, DirLen, GlobalDepth,
//	            TombstonePossible, ClearSeq, SplitGroups, GroupSize, SlotSize,
//	            Tables []Table, Directory []int}
//	Table{Index, LocalDepth, Capacity, Used, GrowthLeft, Tombstones, Empty, Groups []Group}
//	Group [8]Ctrl; Ctrl.IsEmpty/IsDeleted/IsFull/H2
//
//	ClassicLayout{Count, Flags, B, NOverflow, Hash0Set, Growing, SameSize, NEvacuate,
//	              BucketSize, Buckets []Bucket, OldBuckets []Bucket, FreeOverflow, Extra}
//	Bucket{Overflow (chain length), Entries, Evacuated, Chain []TopHash}
//	TopHash [8]Top; Top.IsEmpty/IsEvacuated/IsFull; TopEmptyRest ... TopMin
//
//	IterState{Impl, Started, Done, Swiss *SwissIter, Classic *ClassicIter}
//	SwissIter{Small, DirIdx, DirOffset, EntryIdx, EntryOffset, GlobalDepth, MapGlobalDepth,
//	          ClearSeq, MapClearSeq, HasTable, TableIndex, TableCapacity, TableLocalDepth,
//	          TableInDirectory, GroupStale}
//	ClassicIter{Bucket, I, StartBucket, Offset, Wrapped, B, CheckBucket, NoCheck,
//	            MapB, BucketsCurrent, BucketsOld, InOverflow}
//
//	Location{Impl, Hash, Swiss *SwissLocation, Classic *ClassicLocation}
//	SwissLocation{Small, DirIndex, Table, Group, H2}; ClassicLocation{Bucket, OldBucket, TopHash}
//	Stats{Len, Slots, Load, MaxLoad, Tombstones, TombstoneRatio, Tables, Groups,
//	      Buckets, OverflowBuckets, OldBuckets, StructBytes, LiveBytes, WasteBytes, WasteRatio}
//	GrowthReport{Events []Growth, Exact, DirectoryDoublings, LenBefore, LenAfter}; Count, ByKind
//	Growth{Kind, Step, From, To}; kinds small-to-table, double, split (swiss),
//	                              double-buckets, same-size (classic); %+v names every field
//
// Package inspect/inspecttest has test helpers on top (NoGrowth, Growths,
// Fill: a fill's growths and the make hint that avoids them);
// inspect/render writes a Layout as text, JSON or SVG; cmd/mapinspect is
// the command.
//
// # What it trusts, and when it refuses
//
// Every struct that mirrors a runtime layout names the runtime file and
// release it mirrors (mirror_gc.go, mirror_go126.go, mirror_go127.go,
// mirror_gccgo.go), and tests parse those runtime sources (or, for gccgo,
// the installed export data) and fail when the mirror drifts.
//
// Before reading, Inspect checks the runtime: on gc, the build tags and
// runtime.Version must name a mirrored release (go1.26.x or go1.27.x) on
// amd64; on gccgo, the process must have libgo.so.21 (GCC 12) loaded, or
// be statically linked by GCC 12. Anything else is an error, never a
// guess. It then checks the map against reflect and against the
// runtime's own invariants: the type descriptor's key and element types
// are reflect's, group and bucket sizes equal what reflect computes for
// the key and element types, the header's count equals len(m), the
// directory length is 1<<globalDepth and each table fills exactly its
// span of it, table capacities are powers of two with the right group
// count, full control bytes (or tophashes) add up to each table's and the
// map's count, growthLeft agrees with capacity, used and tombstones, old
// buckets below nevacuate are evacuated, overflow chains are bounded. A
// failed check is an error naming the map type and the check.
//
// Inspect reads memory the runtime may change: call it in a goroutine
// that may read the map (no concurrent writer), exactly as for m[k]. A
// map being written (the runtime's writing flag set) is refused.
//
// # Swiss maps (gc)
//
//	Map{used, seed, dirPtr, dirLen, globalDepth, ...}
//	  small mode (dirLen 0): dirPtr -> one group of 8 slots
//	  otherwise:            dirPtr -> [1<<globalDepth]*table
//	                                    |
//	                     table{used, capacity, growthLeft, localDepth, index, groups}
//	                                    |
//	                     groups: capacity/8 × group{ctrl [8]byte, 8 slots}
//
// A table with localDepth d appears in 1<<(globalDepth-d) consecutive
// directory entries. A table grows by doubling up to 1024 slots, then
// splits in two. Tables never shrink.
//
// # Classic maps (gccgo)
//
//	hmap{count, flags, B, noverflow, hash0, buckets, oldbuckets, nevacuate, extra}
//	  buckets    -> [1<<B]bucket{tophash [8]uint8, keys, elems, overflow *bucket}
//	  oldbuckets -> the previous array while growing (half the size, or the
//	                same size for a same-size grow); buckets below nevacuate
//	                are evacuated, their tophashes replaced by marks 2-4.
package inspect
