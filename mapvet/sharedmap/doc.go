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
//   - the function that starts a goroutine, after the go statement and
//     before a join, against the goroutine (its function, the functions it
//     calls, goroutines it starts);
//   - goroutines started in a loop, against each other;
//   - two goroutines of one function that may run at the same time.
//
// For example
//
//	counts := map[string]int{}
//	for _, doc := range docs {
//		wg.Add(1)
//		go func() { // reported
//			defer wg.Done()
//			for _, w := range strings.Fields(doc) {
//				counts[w]++
//			}
//		}()
//	}
//	wg.Wait()
//
// reports
//
//	goroutines started here in a loop all write counts at main.go:20, with no common lock (fatal error: concurrent map writes)
//
// with the write as a related position (and, for two different goroutines,
// the other goroutine's start and access).
//
// Servers run the functions registered with them on goroutines of their
// own, for every request: net/http handlers (`HandleFunc`, `Handle`,
// `ListenAndServe`, `Serve`, httptest servers) and gRPC services (a
// generated `Register...Server`) are goroutines that run alongside each
// other and themselves. A `ServeHTTP` method, and the methods of a type
// embedding a generated `Unimplemented...Server`, run alongside themselves
// wherever they are registered, and so does a function literal with a
// handler's signature (the handler a middleware returns): a map they share
// across runs (the receiver's, a package's, one a handler closure captured
// and uses itself; only a package's in a test file's literal) that one run
// writes with no lock the others hold is reported. A package-level default
// map that a helper returns on some paths (`return emptyLabels`, a new map
// on the others) is that package map in the handler that writes the result
// (prometheus/client_golang#1274).
//
// A type that holds a mutex says it is used from several goroutines: its
// exported methods (pointer receivers) run alongside each other and
// themselves, and a map field of it that one writes while another uses it,
// with no lock in common, is reported (a map whose guard is inferred is
// guardedby's).
//
// Goroutines are `go` statements (closures, named functions and methods,
// with maps passed as arguments), `time.AfterFunc` callbacks,
// `errgroup.Group.Go` and `TryGo`, `sync.WaitGroup.Go`, functions (in
// this or another package) that return with a goroutine still running, and
// goroutine helpers that run a function value they are given
// (`g.Run(func() {...})`). Calls through function values the package stores
// in struct fields, and through interfaces that at most four of the
// package's types satisfy, reach those functions.
//
// Not reported: accesses before the go statement; accesses after a join
// (`WaitGroup.Wait` after the goroutine's `Done`, `errgroup.Group.Wait`, a
// receive from a channel the goroutine sends on or closes); accesses that
// hold a common mutex (exclusively on at least one side); a map each
// goroutine makes for itself; read-only sharing after the last write; a map
// that is a per-iteration loop variable or an element of a slice indexed by
// the loop (taken to be a different map in each iteration). Deferred
// accesses are the deferaccess check's business.
//
// Nor a map only the package's initialization uses: an unexported package
// variable that one init function sets to nil on every path, that nothing
// else assigns (outside its declaration) or takes the address of, in a
// package whose init functions start no goroutine. After initialization it
// is nil for good, so goroutines can only reach it through a nil check that
// fails (encoding/gob's `typeInfoMapInit` is this shape). The engine drops
// the accesses through such a variable everywhere outside init functions,
// for every check.
//
// Every message ends with the remedies: guard the map with a mutex, or use
// one of the concurrent maps of github.com/mapsafe/mapsafe/cmap (see the
// README's "Choosing a map").
//
// Suppress a report with `//mapvet:ignore sharedmap <reason>`.
package sharedmap
