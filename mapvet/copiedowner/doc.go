// Package copiedowner defines an Analyzer that reports maps that end up
// guarded by two mutexes: a copy of their owner with a mutex of its own.
//
// # Analyzer copiedowner
//
// copiedowner: report maps shared by copies of their owner that do not share its mutex
//
// A struct that holds a mutex and a map it guards must not be copied, or
// have its map handed to a new value with a new mutex: the two values then
// lock different mutexes around the same map, and each lock keeps only its
// own value's goroutines out. Two shapes:
//
// A derive constructor (With, Clone, Child...) that builds a new value
// around the old one's map:
//
//	func (d *Deduper) WithAttrs(attrs []slog.Attr) slog.Handler {
//		return &Deduper{next: d.next.WithAttrs(attrs), seen: d.seen} // reported
//	}
//
// reports
//
//	the new Deduper shares d.seen with d, but not d.mtx, which guards it: the two lock different mutexes around one map (fatal error: concurrent map writes)
//
// (prometheus/prometheus#15559), at the element that shares the map (or
// the assignment into the new value), with the new value's literal as a
// related position. Share a pointer to the mutex too, or to a struct that
// holds both.
//
// A method with a value receiver that locks the receiver's mutex: the
// receiver is a copy, so is its mutex, while its map is the caller's.
//
//	func (c Cache) Get(k string) int {
//		c.mu.Lock() // reported
//		defer c.mu.Unlock()
//		return c.items[k]
//	}
//
// go vet's copylocks reports that the method copies a lock; this check
// says what that does to the map, and where the map is written.
//
// A map counts as guarded by the mutex when the package's accesses say so
// (see guardedby) or a //mapvet:guardedby comment does.
//
// Suppress a report with `//mapvet:ignore copiedowner <reason>`.
package copiedowner
