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
// goroutine first:
//
//	func handle(stats map[string]int) {
//		defer func() {
//			for k, v := range stats { // reported
//				log.Print(k, v)
//			}
//		}()
//		go func() { stats["hits"]++ }()
//	}
//
// reports
//
//	range over stats in deferred func may run while the goroutine started at x.go:7 writes it at x.go:7 (fatal error: concurrent map iteration and map write)
//
// with the goroutine's start and its write as related positions. The
// runtime detects the overlap only sometimes, and then stops the program
// with a fatal error that recover cannot catch.
//
// Reads are index expressions, ranges, `maps.Clone`, `maps.Keys`, `Values`
// and `All`, `maps.Equal`, `json.Marshal`, and printing a map with `fmt`,
// `log` or `testing`'s `Log`, `Error` and `Fatal` families (formatting a
// map reads all its keys): `defer log.Printf("%v", stats)` is the same
// hazard as a deferred range.
//
// Joins that clear it: `wg.Wait()` on the WaitGroup the goroutine marks
// Done, `errgroup.Group.Wait`, `sync.WaitGroup.Go` with `Wait`, a receive
// from a channel the goroutine sends on or closes, and a deferred
// `wg.Wait()` registered after the deferred range (deferred calls run
// last-in first-out, so it runs first). A `defer wg.Wait()` registered
// before the deferred range runs after it and does not help. A lock that
// the deferred code and the goroutine both hold clears it too.
//
// The check also reports a deferred access to a struct field or package
// variable that the package guards with a lock everywhere else (every write
// holds the lock) when the deferred code runs without it, e.g. a deferred
// range in a method that locks only in its body, so that the range runs
// after the unlock:
//
//	range over s.conns in deferred func runs without s.mu, which guards it (held at x.go:94): a writer may run at the same time (fatal error: concurrent map iteration and map write)
//
// Paths that end in `os.Exit`, `log.Fatal` or another call that never
// returns do not run deferred calls and are not reported.
//
// Suppress a report with `//mapvet:ignore deferaccess <reason>`.
package deferaccess
