// Package guardedby defines an Analyzer that reports accesses to a map
// without the lock that guards it.
//
// # Analyzer guardedby
//
// guardedby: report map accesses without the lock that guards the map
//
// A struct that holds a mutex and a map, and locks the mutex around most
// uses of the map, is meant for concurrent use: the goroutines that share
// it are often in other packages, or started by a server for each request,
// and no go statement needs to be in sight. One access without the lock
// can then meet a write under it:
//
//	func (c *Cache) Put(k string, v int) {
//		c.mu.Lock()
//		defer c.mu.Unlock()
//		c.items[k] = v
//	}
//
//	func (c *Cache) Keys() []string {
//		c.mu.Lock()
//		n := len(c.items)
//		c.mu.Unlock()
//		keys := make([]string, 0, n)
//		for k := range c.items { // reported: the lock was released before the range
//			keys = append(keys, k)
//		}
//		return keys
//	}
//
// reports
//
//	range over c.items without c.mu, which guards it (held at 2 of 3 accesses, e.g. x.go:4): another goroutine may write c.items at the same time (fatal error: concurrent map iteration and map write)
//
// with a write that holds the lock as a related position.
//
// The guard of a map (a struct field, or a package variable) is inferred
// from the package's own accesses to it: a lock held at no fewer than 2
// of them and at least 3 in 4, and held exclusively at one write at least.
// Accesses in test files, init functions and constructors (a function
// filling a struct it allocated) do not count and are not reported; an
// unexported function the package calls directly counts in its callers'
// contexts, with the locks they hold at the call, and is reported there. A
// comment on the field declares the guard instead, and then every access
// must hold it:
//
//	items map[string]int //mapvet:guardedby mu
//
// Guards travel to the packages that import the type, so an access there
// (to an exported field, or through a helper of theirs) is judged by the
// same lock. Deferred accesses are the deferaccess check's, and writes under
// the guard's read lock rlockwrite's.
//
// Suppress a report with `//mapvet:ignore guardedby <reason>`.
package guardedby
