// Command gcflagsm has the map accesses the article calls risky: a range in
// a deferred function, a goroutine writing the map, lookups in a loop and a
// maps.Keys snapshot. Claim 14 builds it with -gcflags=-m and reads what the
// compiler says about them.
package main

import (
	"fmt"
	"maps"
	"slices"
	"sync"
)

type store struct {
	mu sync.Mutex
	m  map[string]int
}

func (s *store) get(k string) int { return s.m[k] }

func (s *store) set(k string, v int) { s.m[k] = v }

func rangeInDefer(m map[int]int) (sum int) {
	defer func() {
		for _, v := range m {
			sum += v
		}
	}()
	go func() {
		m[len(m)] = 1
	}()
	return 0
}

func lookups(m map[int]int, n int) int {
	t := 0
	for i := 0; i < n; i++ {
		t += m[i]
	}
	return t
}

func main() {
	m := map[int]int{1: 1}
	s := &store{m: map[string]int{}}
	s.set("a", 1)
	keys := slices.Collect(maps.Keys(m))
	fmt.Println(rangeInDefer(m), lookups(m, 10), s.get("a"), len(keys))
}
