package cmap_test

import (
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/mapsafe/mapsafe/cmap"
)

// A map shared by goroutines: hits counted with Compute, a consistent
// snapshot taken while the writers go on.
func Example() {
	hits := cmap.NewSnapshot[string, int]()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, page := range []string{"/", "/about", "/"} {
				hits.Compute(page, func(n int, _ bool) (int, cmap.ComputeOp) { return n + 1, cmap.UpdateOp })
			}
		}()
	}
	wg.Wait()

	before := hits.Snapshot() // O(1); later writes do not change it
	hits.Store("/new", 1)
	counts := maps.Collect(before.All())
	for _, page := range slices.Sorted(maps.Keys(counts)) {
		fmt.Println(page, counts[page])
	}
	fmt.Println(before.Len(), hits.Len())
	// Output:
	// / 8
	// /about 4
	// 2 3
}

// The zero value of every cmap map is ready to use.
func ExampleLocked() {
	var m cmap.Locked[int, string]
	m.Store(1, "one")
	v, ok := m.Load(1)
	fmt.Println(v, ok)
	// Output: one true
}
