package inspect_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/mapsafe/mapsafe/inspect"
)

// Benchmarks: inspecting a map against one `for range` over it, on a
// table of sizes. scripts/bench-inspect.sh runs them and reports medians;
// the numbers live in docs/inspector.md.

var benchMaps sync.Map // size -> map[int]int

func benchMap(n int) map[int]int {
	if m, ok := benchMaps.Load(n); ok {
		return m.(map[int]int)
	}
	m := make(map[int]int)
	for i := 0; i < n; i++ {
		m[i] = i
	}
	benchMaps.Store(n, m)
	return m
}

var benchSizes = []int{1000, 100000, 1000000}

var sink int

func BenchmarkRange(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			m := benchMap(n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s := 0
				for k, v := range m {
					s += k ^ v
				}
				sink += s
			}
		})
	}
}

func BenchmarkInspect(b *testing.B) {
	for _, n := range benchSizes {
		for _, opt := range []struct {
			name string
			opt  inspect.Options
		}{{"groups", inspect.Options{}}, {"counts", inspect.Options{NoGroups: true}}} {
			b.Run(fmt.Sprintf("n=%d/%s", n, opt.name), func(b *testing.B) {
				m := benchMap(n)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					l, err := inspect.InspectWith(m, opt.opt)
					if err != nil {
						b.Fatal(err)
					}
					sink += l.Len
				}
			})
		}
	}
}
