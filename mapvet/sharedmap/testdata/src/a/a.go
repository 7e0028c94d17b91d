package a

import (
	"sync"
)

func starterReads() {
	m := map[string]int{}
	go func() {
		m["a"] = 1
	}()
	_ = m["a"] // want `read of m may run while the goroutine started at a.go:9 writes it at a.go:10, with no common lock or join \(fatal error: concurrent map read and map write\)`
}

func starterRanges(m map[string]int) {
	go func() { delete(m, "x") }()
	for range m { // want `range over m may run while the goroutine started at a.go:16 writes it at a.go:16, with no common lock or join \(fatal error: concurrent map iteration and map write\)`
	}
}

func fanOut(words []string) map[string]int {
	counts := map[string]int{}
	var wg sync.WaitGroup
	for _, w := range words {
		wg.Add(1)
		go func() { // want `goroutines started here in a loop all write counts at a.go:28, with no common lock \(fatal error: concurrent map writes\)`
			defer wg.Done()
			counts[w]++
		}()
	}
	wg.Wait()
	return counts
}

func record(m map[int]bool, i int) { m[i] = true }

func namedFunc(n int) {
	seen := map[int]bool{}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) { // want `goroutines started here in a loop all write seen at a.go:35`
			defer wg.Done()
			record(seen, i)
		}(i)
	}
	wg.Wait()
}

func twoGoroutines() {
	m := map[int]int{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); m[1] = 1 }()
	go func() { defer wg.Done(); _ = m[2] }() // want `the goroutine started here reads m at a.go:55 while the goroutine started at a.go:54 writes it at a.go:54`
	wg.Wait()
}

type Tracker struct {
	seen map[string]bool
}

func (t *Tracker) Start(keys []string) {
	for _, k := range keys {
		go t.mark(k) // want `goroutines started here in a loop all write t.seen at a.go:69`
	}
}

func (t *Tracker) mark(k string) { t.seen[k] = true }

// The write happens after the goroutine is started; the goroutine reads.
func writeAfterStart() {
	cfg := map[string]string{"a": "b"}
	go func() { _ = cfg["a"] }()
	cfg["c"] = "d" // want `write to cfg may run while the goroutine started at a.go:74 reads it at a.go:74`
}

// A directive without a reason suppresses nothing.
func unreasoned() {
	m := map[int]int{}
	go func() { m[1] = 1 }()
	_ = m[1] //mapvet:ignore sharedmap // want `read of m may run while the goroutine started at a.go:81`
}

func waitGroupGo(keys []string) map[string]bool {
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Go(func() { seen[k] = true }) // want `goroutines started here in a loop all write seen at a.go:89`
	}
	wg.Wait()
	return seen
}
