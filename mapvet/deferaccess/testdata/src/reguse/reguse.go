// Package reguse holds a lock of its own around calls into reglib, whose
// methods take the registry's lock (the shape of grpc tests that dial under
// a package lock and defer a registry removal).
package reguse

import (
	"reglib"
	"sync"
)

var (
	mu  sync.Mutex
	reg = reglib.New()
)

func dial(id int) {
	mu.Lock()
	reg.Add(id, "conn")
	mu.Unlock()
}

func redial(id int) {
	mu.Lock()
	reg.Add(id, "again")
	mu.Unlock()
}

// The deferred Names holds reg's own lock, which every write holds too:
// it does not need mu.
func use() {
	dial(1)
	defer reg.Names()
	redial(2)
}
