package repro

import (
	"fmt"
	"runtime"
	"strings"
)

// Workload is a map shared by the racing goroutines, with the keys they use.
// Writers only overwrite existing keys, so the map never grows while the
// race runs: the crash needs no growth (see docs/repro.md).
type Workload[K comparable] struct {
	M    map[K]int
	Keys []K
}

// NewWorkload fills a map with every key.
func NewWorkload[K comparable](keys []K) *Workload[K] {
	m := make(map[K]int, len(keys))
	for i, k := range keys {
		m[k] = i
	}
	return &Workload[K]{M: m, Keys: keys}
}

// Write overwrites one existing key, chosen by i.
func (w *Workload[K]) Write(i int) { w.M[w.Keys[i%len(w.Keys)]] = i }

// Read looks one existing key up, chosen by i.
func (w *Workload[K]) Read(i int) int { return w.M[w.Keys[i%len(w.Keys)]] }

// LongKeys returns n distinct strings of size bytes that differ only in
// their last 8 bytes. Every lookup or assignment that finds its key must
// compare all size bytes, inside the runtime's map code, while a write holds
// the map's writing flag; a long shared prefix makes that compare as slow as
// a string compare can be for its length.
func LongKeys(n, size int) []string {
	if size < 8 {
		size = 8
	}
	prefix := strings.Repeat("k", size-8)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s%08d", prefix, i)
	}
	return keys
}

// IntKeys returns the keys 0..n-1: the cheapest keys there are, for
// comparison with LongKeys.
func IntKeys(n int) []int {
	keys := make([]int, n)
	for i := range keys {
		keys[i] = i
	}
	return keys
}

// SetProcs makes GOMAXPROCS at least 2 when procs is 0 (two goroutines can
// then run at the same instant even when the machine has one CPU free: the
// kernel interleaves the two threads at any instruction, so a write can be
// interrupted inside the runtime's window), or exactly procs otherwise. It
// returns the value in effect.
func SetProcs(procs int) int {
	switch {
	case procs > 0:
		runtime.GOMAXPROCS(procs)
	case runtime.GOMAXPROCS(0) < 2:
		runtime.GOMAXPROCS(2)
	}
	return runtime.GOMAXPROCS(0)
}
