// Package verify checks the classic model (package classic) against a real
// classic map: gccgo 12's libgo, whose map is the Go 1.18 runtime's.
//
// A probe program (probe/, Go 1.18 language, built with
// go build -compiler=gccgo) runs a list of operations on a real
// map[int]int and, after each one, reads the map with the inspector
// (inspect.Inspect, inspect.Iter) and prints a Record: header fields, every
// bucket chain's tophash bytes, the live iterator's hiter fields, what a
// lookup or the iterator returned, and the key's hash under the map's
// current seed (inspect.Locate).
//
//	Generate(seed, n) ──ops──> probe (gccgo) ──records──┐
//	                   └─ops──> model, real hashes ──────┼─> compare every figure
//	                   └─ops──> model, own hash ─────────┴─> compare count, B, growth points
//	                                                          + iteration guarantees on both
//
// The model runs the operations twice:
//
//   - With the real hashes (RealHash): the probe reports each key's hash,
//     and the model's hash function looks it up; the model's random source
//     hands out the real iterators' starts (startBucket | offset<<B, read
//     from the real hiter) and numbers hash seeds, which change exactly
//     when the runtime reseeds (make, deleting the last key, clear). Then
//     nothing is left to chance and every figure must be equal after every
//     operation: count, flags, B, noverflow, growing, same-size, nevacuate,
//     free preallocated overflow buckets, each bucket chain's tophash bytes
//     in both arrays, the iterator's state and every key it returns.
//   - With its own hash (OwnHash): only hash-independent figures can
//     agree. These are count, B and the operations at which doubling grows
//     start. Whether a grow is still in progress is not among them: a grow
//     ends when nevacuate passes the last old bucket, and each write moves
//     it by one or two depending on where its key hashes, so a grow of n
//     old buckets lasts between n/2 and n writes. Same-size grows depend on
//     noverflow, which depends on collisions.
//
// The iteration guarantees (each key present throughout returned exactly
// once, none twice, none after its deletion, elems current) are checked on
// the real map and on the own-hash model, whose orders differ. Keys
// returned after a clear removed them are counted apart: that is Go 1.18's
// behaviour when an iteration started before a grow (golang/go#59411,
// fixed in Go 1.21), and the model reproduces it.
package verify
