// Package bench holds map-heavy benchmarks for comparing one program built
// three ways: stock, with mapguard, and with -race
// (scripts/bench-mapguard.sh runs them side by side; results are in
// docs/mapguard-bench.md). Each benchmark names the map runtime entry point
// it drives, so a change in one is easy to place.
//
// Besides sec/op, each benchmark reports cpu-ns/op: the CPU time of its
// thread per operation (cpu_test.go), which time spent waiting for a core
// on a shared machine does not inflate.
package bench

import (
	"strconv"
	"testing"
)

const size = 1024 // entries: big enough for the table (not small-map) code

var (
	sinkInt  int
	sinkBool bool
)

func intMap(n int) map[int64]int64 {
	m := make(map[int64]int64)
	for i := range n {
		m[int64(i)] = int64(i)
	}
	return m
}

func stringKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "key-" + strconv.Itoa(i)
	}
	return keys
}

func stringMap(keys []string) map[string]int {
	m := make(map[string]int)
	for i, k := range keys {
		m[k] = i
	}
	return m
}

type pair struct{ a, b int64 }

func pairMap(n int) map[pair]int {
	m := make(map[pair]int)
	for i := range n {
		m[pair{int64(i), int64(-i)}] = i
	}
	return m
}

// Reads: mapaccess1_fast64, mapaccess2_fast64, mapaccess1_faststr,
// mapaccess2 (generic).

func BenchmarkReadHitInt(b *testing.B) {
	m := intMap(size)
	s := int64(0)
	c := startCPU(b)
	for i := 0; b.Loop(); i++ {
		s += m[int64(i&(size-1))]
	}
	c.stop()
	sinkInt = int(s)
}

func BenchmarkReadMissInt(b *testing.B) {
	m := intMap(size)
	ok := false
	c := startCPU(b)
	for i := 0; b.Loop(); i++ {
		_, ok = m[int64(size+i&(size-1))]
	}
	c.stop()
	sinkBool = ok
}

func BenchmarkReadHitString(b *testing.B) {
	keys := stringKeys(size)
	m := stringMap(keys)
	s := 0
	c := startCPU(b)
	for i := 0; b.Loop(); i++ {
		s += m[keys[i&(size-1)]]
	}
	c.stop()
	sinkInt = s
}

func BenchmarkReadHitStruct(b *testing.B) {
	m := pairMap(size)
	s := 0
	c := startCPU(b)
	for i := 0; b.Loop(); i++ {
		j := int64(i & (size - 1))
		s += m[pair{j, -j}]
	}
	c.stop()
	sinkInt = s
}

// Writes to existing keys: mapassign_fast64, mapassign_faststr,
// mapassign (generic).

func BenchmarkAssignInt(b *testing.B) {
	m := intMap(size)
	c := startCPU(b)
	for i := 0; b.Loop(); i++ {
		m[int64(i&(size-1))] = int64(i)
	}
	c.stop()
}

func BenchmarkAssignString(b *testing.B) {
	keys := stringKeys(size)
	m := stringMap(keys)
	c := startCPU(b)
	for i := 0; b.Loop(); i++ {
		m[keys[i&(size-1)]] = i
	}
	c.stop()
}

func BenchmarkAssignStruct(b *testing.B) {
	m := pairMap(size)
	c := startCPU(b)
	for i := 0; b.Loop(); i++ {
		j := int64(i & (size - 1))
		m[pair{j, -j}] = i
	}
	c.stop()
}

// Growth: inserts into a new map until it holds size entries.

func BenchmarkFillInt(b *testing.B) {
	c := startCPU(b)
	for b.Loop() {
		m := make(map[int64]int64)
		for i := range int64(size) {
			m[i] = i
		}
		sinkInt = len(m)
	}
	c.stop()
}

func BenchmarkFillSmallInt(b *testing.B) {
	c := startCPU(b)
	for b.Loop() {
		m := make(map[int64]int64)
		for i := range int64(8) {
			m[i] = i
		}
		sinkInt = len(m)
	}
	c.stop()
}

// Delete and reinsert: mapdelete_fast64 then mapassign_fast64.

func BenchmarkDeleteInsertInt(b *testing.B) {
	m := intMap(size)
	c := startCPU(b)
	for i := 0; b.Loop(); i++ {
		k := int64(i & (size - 1))
		delete(m, k)
		m[k] = k
	}
	c.stop()
}

// Iteration: mapIterStart, mapIterNext.

func BenchmarkRangeInt(b *testing.B) {
	m := intMap(size)
	s := int64(0)
	c := startCPU(b)
	for b.Loop() {
		for _, v := range m {
			s += v
		}
	}
	c.stop()
	sinkInt = int(s)
}

// Clear and refill a small map: mapclear, mapassign_fast64.

func BenchmarkClearFillInt(b *testing.B) {
	m := make(map[int64]int64)
	c := startCPU(b)
	for b.Loop() {
		for i := range int64(8) {
			m[i] = i
		}
		clear(m)
	}
	c.stop()
}
