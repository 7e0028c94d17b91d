package cmap

import (
	"fmt"
	"testing"

	"github.com/puzpuzpuz/xsync/v4"
)

// The benchmarks here measure single operations of the maps, one goroutine;
// the workloads and the comparison with other maps are in lab/mapbench
// (maplab bench, docs/cmap-bench.md).

func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e6} {
		keys := make([]int, 1<<16)
		for i := range keys {
			keys[i] = int(uint64(i) * 0x9e3779b97f4a7c15 % uint64(n))
		}
		s, sh, l, x := NewSnapshot[int, int](), NewSharded[int, int](), NewLocked[int, int](), xsync.NewMap[int, int]()
		for i := range n {
			s.Store(i, i)
			sh.Store(i, i)
			l.Store(i, i)
			x.Store(i, i)
		}
		for _, c := range []struct {
			name string
			load func(int) (int, bool)
		}{{"Snapshot", s.Load}, {"Sharded", sh.Load}, {"Locked", l.Load}, {"xsync", x.Load}} {
			b.Run(fmt.Sprintf("keys=%d/map=%s", n, c.name), func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					c.load(keys[i&(1<<16-1)])
				}
			})
		}
	}
}

func BenchmarkStore(b *testing.B) {
	for _, n := range []int{1e3, 1e6} {
		s, x := NewSnapshot[int, int](), xsync.NewMap[int, int]()
		for i := range n {
			s.Store(i, i)
			x.Store(i, i)
		}
		for _, c := range []struct {
			name  string
			store func(int, int)
		}{{"Snapshot", s.Store}, {"xsync", x.Store}} {
			b.Run(fmt.Sprintf("keys=%d/map=%s", n, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					c.store(int(uint64(i)*0x9e3779b97f4a7c15%uint64(n)), i)
				}
			})
		}
	}
}

func BenchmarkSnapshot(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e6} {
		s := NewSnapshot[int, int]()
		for i := range n {
			s.Store(i, i)
		}
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Snapshot()
			}
		})
	}
}
