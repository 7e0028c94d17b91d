// Package classic is an executable model of the classic Go map, the hash
// map of Go 1.0 to Go 1.23 (src/runtime/map.go; map_noswiss.go in Go 1.24)
// that Go 1.24 replaced with Swiss tables. It follows libgo/go/runtime/map.go
// of GCC 12, whose runtime is Go 1.18's, so that it can be checked against a
// real classic map run by gccgo (see classic/verify).
//
// The model keeps the runtime's data layout and algorithms, step for step,
// in ordinary Go: the same header fields, 8-slot buckets with tophash
// bytes, overflow chains, preallocated overflow buckets, incremental
// evacuation and the iterator's rules for surviving a grow. What the runtime
// takes from the machine is injected (Config): the hash function and the
// random source, so runs are deterministic and a verifier can feed the
// model the real runtime's hashes. Every step is reported as an Event.
//
// # Layout
//
//	hmap: count flags B noverflow hash0 buckets oldbuckets nevacuate extra
//	                                      |         |
//	          +---------------------------+         +--> old array (2^(B-1), or 2^B
//	          v                                          for a same-size grow) while growing
//	 buckets: [ b0 | b1 | ... | b(2^B-1) | preallocated overflow buckets (B >= 4) ]
//	            |
//	            v
//	          bmap: tophash[8] keys[8] elems[8] overflow --> bmap --> nil
//
// A key's hash selects bucket hash & (2^B-1); its top byte (moved above the
// markers 0..4) is its tophash, compared before the key itself.
//
// # Tophash markers
//
//	0 emptyRest       empty, and nothing live follows in this bucket chain
//	1 emptyOne        empty (after a delete, or a gap)
//	2 evacuatedX      old slot whose key went to the same index
//	3 evacuatedY      old slot whose key went to index + old size
//	4 evacuatedEmpty  old slot that was empty when evacuated
//	5..255            a live key's tophash
//
// # Growth
//
// A new key that would make count exceed 8 and 6.5 per bucket
// (OverLoadFactor, in integer arithmetic) starts a doubling grow; a new key
// arriving when there are at least as many overflow buckets as buckets
// (TooManyOverflowBuckets) starts a same-size grow instead. No grow starts
// while one is in progress. hashGrow only allocates the new array; each
// later write (assign or delete, never a read) first evacuates the old
// bucket of its key and then the old bucket at nevacuate (growWork), and
// advanceEvacuationMark ends the grow when nevacuate reaches the old bucket
// count. So for map[int]int filled from empty, B grows at the 9th, 14th,
// 27th, 53rd, 105th ... insert, while the number of writes a grow lasts
// depends on where the keys hash (between half and all of the old bucket
// count).
//
// # Iteration
//
// An iterator picks a random start bucket and slot offset and walks its
// snapshot of the bucket array, wrapping around (Iter). The model reports
// the checkBucket filter and the re-lookup of evacuated keys as events.
//
// # Concurrency checks
//
// A write checks hashWriting at entry, sets it (by XOR) after hashing and
// checks it is still set at exit; a read and mapiternext check it at entry.
// These are the only places the fatal "concurrent map ..." errors come
// from. The model reports each as an event; classic/interleave steps
// simulated goroutines event by event to show when the checks fire.
//
// # Operations as data
//
// classic/op is the language of operations on a map[int]int (insert,
// delete, lookup, clear, range start/next/end, make) with a text form;
// Session.Apply is the one place that turns an operation into Map calls.
// classic/verify, classic/interleave and the visualizer all drive the
// model through it, and the gccgo probe reads the same language.
//
// # Differences from the runtime
//
// Keys and elems are stored by value in Go arrays, not in raw memory; key
// and elem sizes only decide the bucket size (and so the number of
// preallocated overflow buckets). The default hash is the model's own
// (DefaultHash), not aeshash. Later Go versions (1.19 to 1.23) differ
// from 1.18 only in details that do not change the figures modelled here:
// how the fatal error is raised and how random numbers are drawn.
package classic
