// Package sharedmap defines an Analyzer that reports maps shared between
// goroutines with no lock or join ordering their accesses.
//
// # Analyzer sharedmap
//
// sharedmap: report maps written by one goroutine and used by another
//
// A map may be used by several goroutines only if no write overlaps
// another access. The check reports a map written in one goroutine and read
// or written in another when nothing orders the two:
//
//   - the function that starts a goroutine, and the goroutine (its function,
//     the functions it calls, goroutines it starts) — the starter's accesses
//     after the go statement and before a join;
//   - goroutines started in a loop, which run alongside each other;
//   - two goroutines started by the same function, both running at once.
//
// Ordered, and not reported: accesses before the go statement; accesses
// after a join (WaitGroup.Wait after the goroutine's Done, errgroup's Wait,
// a receive from a channel the goroutine sends on or closes); accesses that
// hold a common mutex (exclusively on at least one side); maps each
// goroutine makes for itself; sharing that is read-only.
//
//	m := map[string]int{}
//	for _, w := range words {
//		go func() { m[w]++ }() // each goroutine started here in a loop writes m
//	}
//
// Deferred accesses are the deferaccess check's business. A map that is a
// per-iteration variable of the loop (or an element of a slice indexed in
// it) is taken to be a different map in each iteration.
//
// Suppress a report with `//mapvet:ignore sharedmap <reason>`.
package sharedmap
