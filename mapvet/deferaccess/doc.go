// Package deferaccess defines an Analyzer that reports deferred code that
// touches a map another goroutine may still be writing.
//
// # Analyzer deferaccess
//
// deferaccess: report deferred map accesses that race with a goroutine
//
// Deferred calls run when the function returns, which is after everything
// the function did, including starting goroutines. A deferred function that
// ranges over or reads a map races with a goroutine started earlier in the
// same function that writes the map, unless the function waits for the
// goroutine first (sync.WaitGroup.Wait, errgroup.Group.Wait, a receive from
// a channel the goroutine sends on or closes, or a deferred wait registered
// after the deferred call, since deferred calls run last-in first-out):
//
//	func handle(stats map[string]int) {
//		defer func() {
//			for k, v := range stats { // range over stats in deferred func may run while
//				log.Print(k, v)       // the goroutine started at x.go:6 writes it
//			}
//		}()
//		go func() { stats["hits"]++ }()
//	}
//
// The runtime detects the overlap only sometimes, and then stops the
// program with "fatal error: concurrent map iteration and map write", which
// recover cannot catch.
//
// The check also reports a deferred access to a struct field or package
// variable that is guarded by a lock elsewhere in the package (every write
// holds the lock) when the deferred code does not hold it: for example
// `defer func() { for range s.m {} }()` in a method that takes s.mu only
// in its body, so the range runs after the unlock.
//
// Suppress a report with `//mapvet:ignore deferaccess <reason>`.
package deferaccess
