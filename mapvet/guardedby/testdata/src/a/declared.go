package a

import "sync"

// A declared guard needs no majority.
type Table struct {
	mu   sync.Mutex
	rows map[int]string //mapvet:guardedby mu
}

func (t *Table) Set(i int, s string) {
	t.mu.Lock()
	t.rows[i] = s
	t.mu.Unlock()
}

func (t *Table) Row(i int) string {
	return t.rows[i] // want `read of t.rows without t.mu, which guards it \(//mapvet:guardedby mu, e.g. declared.go:13\)`
}

// Half the accesses hold the lock: no majority, but the mutex declared just
// before the map is the map's, and both writes hold it.
type loose struct {
	mu sync.Mutex
	m  map[int]int
}

func (l *loose) a()     { l.mu.Lock(); l.m[1] = 1; l.mu.Unlock() }
func (l *loose) b()     { l.mu.Lock(); l.m[2] = 2; l.mu.Unlock() }
func (l *loose) c() int { return l.m[1] } // want `read of l.m without l.mu, which guards it \(declared with it, held at 2 of 4 accesses`
func (l *loose) d() int { return l.m[2] } // want `read of l.m without l.mu`

// Held once: too little to say the lock is the map's.
type once struct {
	mu sync.Mutex
	m  map[int]int
}

func (o *once) a()     { o.mu.Lock(); o.m[1] = 1; o.mu.Unlock() }
func (o *once) c() int { return o.m[1] }
func (o *once) d() int { return o.m[2] }

// A package map, guarded by a package mutex; and written under the wrong
// lock (kubernetes#135089's shape).
var (
	quotaMu   sync.Mutex
	otherMu   sync.Mutex
	supported = map[string]bool{}
)

func setSupported(path string) {
	quotaMu.Lock()
	defer quotaMu.Unlock()
	supported[path] = true
}

func isSupported(path string) bool {
	quotaMu.Lock()
	defer quotaMu.Unlock()
	return supported[path]
}

func clearSupported(path string) {
	quotaMu.Lock()
	delete(supported, path)
	quotaMu.Unlock()
}

func forget(path string) {
	otherMu.Lock()
	delete(supported, path) // want `delete of supported without quotaMu, which guards it`
	otherMu.Unlock()
}

func init() {
	supported["/"] = true // package initialization runs alone
}
