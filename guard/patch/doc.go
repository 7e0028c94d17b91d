// Package patch generates mapguard's patched map runtime from the source of
// an installed Go toolchain. The result is a set of files for go build
// -overlay; GOROOT itself is never written.
//
// # What changes
//
// Two files are added, and files of internal/runtime/maps and of the
// runtime are edited in place, on the lines where the code already is, so
// every unchanged line keeps its number and stack traces through the map
// code read as stock. With patch version 5, on Go 1.26 and 1.27
// (TestDocFiles checks this list against both toolchains):
//
//	internal/runtime/maps/mapguard.go        added: declarations, small methods (inject/maps_mapguard.go)
//	internal/runtime/maps/map.go             write starts and ends, fatal sites; Delete and Clear
//	                                         renamed, and getWithKeyIter (a clone of getWithKey)
//	                                         and the stock-named Delete and Clear appended
//	internal/runtime/maps/runtime.go         the compiler's generic entry points: write starts
//	                                         and ends, fatal sites
//	internal/runtime/maps/runtime_fast32.go  the same for the compiler's fast entry points, whose
//	internal/runtime/maps/runtime_fast64.go  delete wrappers also pass their caller down to
//	internal/runtime/maps/runtime_faststr.go GuardDelete
//	internal/runtime/maps/table.go           fatal sites, the iterator's lookups after growth
//	runtime/mapguard.go                      added: the recorder, the report, strict mode
//	                                         (inject/runtime_mapguard.go)
//	runtime/runtime2.go                      type g gets a last field, mapguard
//	runtime/proc.go                          newproc1 empties it for each new goroutine; stack
//	                                         frees in gfput, gfget, mexit and allocm
//	runtime/map.go                           the reflect_map* wrappers record their callers;
//	                                         mapdelete and mapclear pass their caller down
//	runtime/stack.go                         copystack frees the old stack
//	runtime/mgcmark.go                       markrootFreeGStacks frees dead goroutines' stacks
//
// Before every stack free the records of maps on that stack are forgotten.
// Each edit is a Site with a Kind (site.go); mapguard check lists them and
// sums them with Count. The source shapes are described where they are
// matched: maps.go, runtime.go and wrapped.go.
//
// # How it is read
//
// Each package is loaded as built for the target (source.go), then read in
// two passes. A scan makes the edits function by function and notes what
// it finds; an inventory then checks what the patch needs of the package
// as a whole: every write entry point starts and ends a write exactly once,
// every fatal site the report relies on is there, the map header has room
// for the write start's stamp, every runtime edit found its place exactly
// once. Before the runtime is scanned, every runtime declaration the added
// runtime file uses is checked to exist with the expected type
// (anchors.go).
//
//	maps.go      internal/runtime/maps: write starts and ends, fatal sites,
//	             the iterator, strict mode; the inventory
//	runtime.go   runtime: g's field, newproc1, stack frees, reflect wrappers;
//	             the inventory
//	wrapped.go   Delete and Clear, which take their wrapper's caller, in both
//	anchors.go   the runtime declarations the added runtime file uses
//	source.go    loading a package; ShapeError; recording edits and sites
//	site.go      the kinds of edit, and their sum for mapguard check
//
// # Refusal
//
// Source that does not have an expected shape is refused with a
// *ShapeError naming the Go version, the file (and line, when there is
// one) and the anchor that was looked for; nothing is generated.
package patch
