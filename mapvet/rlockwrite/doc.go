// Package rlockwrite defines an Analyzer that reports map writes made while
// only the read lock of the map's RWMutex is held.
//
// # Analyzer rlockwrite
//
// rlockwrite: report map writes under RWMutex.RLock
//
// RLock lets any number of goroutines hold the lock at once, so a map write
// under it can meet another reader or writer of the same map:
//
//	func (c *Cache) Get(k string) int {
//		c.mu.RLock()
//		defer c.mu.RUnlock()
//		c.hits[k]++ // reported
//		return c.data[k]
//	}
//
// reports
//
//	write to c.hits while only the read lock c.mu is held: other holders of the read lock may use c.hits at the same time (fatal error: concurrent map writes)
//
// with the RLock call as a related position; the runtime stops the program
// with "concurrent map writes" or "concurrent map read and map write".
//
// Writes are index assignments, op-assignments, `++` and `--`, `delete`,
// `clear`, and library calls that write (`maps.Copy`, `maps.DeleteFunc`,
// `maps.Insert`). A write in a same-package function called while the read
// lock is held is reported at the call, with the write as a related
// position: `call to c.count writes c.hits (assign at x.go:31) while only
// the read lock c.mu is held`. `TryRLock` counts when it succeeded.
//
// A mutex guards a map when both are fields of the same struct value
// (embedded `sync.RWMutex` included) or both are package-level variables of
// one package, or when every write to the map elsewhere in the package holds
// that mutex (guarded-by inference). Not reported: a map the function made
// itself, a map passed in by the caller that the mutex does not guard, a
// write under another lock that guards the map and is held exclusively.
//
// The suggested fix takes the write lock instead (`RLock` becomes `Lock`
// and its `RUnlock` calls become `Unlock`), offered when the function's read
// locking of that mutex is one `RLock` call with its `RUnlock` calls
// (direct or deferred).
//
// Suppress a report with `//mapvet:ignore rlockwrite <reason>`.
package rlockwrite
