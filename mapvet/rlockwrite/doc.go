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
//		c.hits[k]++ // write to c.hits while only the read lock c.mu is held
//		return c.data[k]
//	}
//
// and the runtime stops the program with "fatal error: concurrent map
// writes" or "concurrent map read and map write". The check covers index
// assignments, op-assignments, ++ and --, delete, clear and library calls
// that write (maps.Copy, maps.DeleteFunc, ...), in the function itself and
// in same-package functions it calls while holding the read lock.
//
// A write counts when the read-locked mutex guards the map: the mutex and
// the map are fields of the same struct (or package-level variables of the
// same package), or every write to the map elsewhere in the package holds
// the mutex. Writes to a map the function made itself, or to a map passed
// in by the caller that the mutex does not guard, are not reported.
//
// The suggested fix takes the write lock instead (RLock becomes Lock and
// RUnlock becomes Unlock) when the function's read locking of that mutex is
// a single RLock with its RUnlocks.
//
// Suppress a report with `//mapvet:ignore rlockwrite <reason>`.
package rlockwrite
