package claims

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mapsafe/mapsafe/lab/repro"
)

// The performance programs of claim 16. Each alternates the contenders for
// perfRounds rounds of perfSlice each and prints the median rate, so that a
// burst of load on the machine hits both sides alike.
const (
	perfKeys   = 1000
	perfRounds = 5
	perfSlice  = 60 * time.Millisecond
)

// snapshotWritesProgram measures single-writer throughput of a map guarded
// by a sync.RWMutex against an immutable snapshot map (every write copies
// the map and publishes the copy with an atomic pointer swap).
func snapshotWritesProgram([]string) int {
	base := make(map[int]int, perfKeys)
	for i := 0; i < perfKeys; i++ {
		base[i] = i
	}

	var mu sync.RWMutex
	locked := maps.Clone(base)
	lockedWrite := func(i int) {
		mu.Lock()
		locked[i%perfKeys] = i
		mu.Unlock()
	}

	var wmu sync.Mutex
	var snap atomic.Pointer[map[int]int]
	first := maps.Clone(base)
	snap.Store(&first)
	snapshotWrite := func(i int) {
		wmu.Lock()
		next := maps.Clone(*snap.Load())
		next[i%perfKeys] = i
		snap.Store(&next)
		wmu.Unlock()
	}

	var lockedRates, snapRates []float64
	for r := 0; r < perfRounds; r++ {
		lockedRates = append(lockedRates, opsPerSecond(lockedWrite))
		snapRates = append(snapRates, opsPerSecond(snapshotWrite))
	}
	fmt.Printf("map size: %d\n", perfKeys)
	fmt.Printf("rwmutex map writes/s: %.0f\n", median(lockedRates))
	fmt.Printf("snapshot map writes/s: %.0f\n", median(snapRates))
	return 0
}

// opsPerSecond runs op in a loop for perfSlice and returns its rate.
func opsPerSecond(op func(i int)) float64 {
	start := time.Now()
	n := 0
	for {
		for j := 0; j < 64; j++ {
			op(n)
			n++
		}
		if el := time.Since(start); el >= perfSlice {
			return float64(n) / el.Seconds()
		}
	}
}

// syncMapReadsProgram measures read latency with two goroutines reading at
// once, sync.Map.Load against a map read under a sync.RWMutex read lock, in
// two workloads: reads only, and reads while a third goroutine overwrites
// existing keys without pause (through Store, or under the write lock).
func syncMapReadsProgram([]string) int {
	procs := repro.SetProcs(0)
	var sm sync.Map
	locked := make(map[int]int, perfKeys)
	// sync.Map takes keys as interfaces: box them once, so the reads
	// measure the map and not the boxing of an int on every call.
	boxed := make([]any, perfKeys)
	for i := 0; i < perfKeys; i++ {
		boxed[i] = i
		sm.Store(boxed[i], i)
		locked[i] = i
	}
	var mu sync.RWMutex
	lockedRead := func(i int) int {
		mu.RLock()
		v := locked[i%perfKeys]
		mu.RUnlock()
		return v
	}
	lockedWrite := func(i int) {
		mu.Lock()
		locked[i%perfKeys] = i
		mu.Unlock()
	}
	syncRead := func(i int) int {
		v, _ := sm.Load(boxed[i%perfKeys])
		return v.(int)
	}
	syncWrite := func(i int) { sm.Store(boxed[i%perfKeys], i) }

	fmt.Printf("readers: 2 (GOMAXPROCS=%d)\n", procs)
	for _, wl := range []struct {
		name   string
		writer bool
	}{{"read-only", false}, {"with writer", true}} {
		var lockedNs, syncNs []float64
		for r := 0; r < perfRounds; r++ {
			var lw, sw func(int)
			if wl.writer {
				lw, sw = lockedWrite, syncWrite
			}
			lockedNs = append(lockedNs, parallelReadNs(2, lockedRead, lw))
			syncNs = append(syncNs, parallelReadNs(2, syncRead, sw))
		}
		fmt.Printf("%s rwmutex map ns/read: %.1f\n", wl.name, median(lockedNs))
		fmt.Printf("%s sync.Map ns/read: %.1f\n", wl.name, median(syncNs))
	}
	return 0
}

// parallelReadNs runs read in g goroutines for perfSlice, with write in one
// more goroutine when it is not nil, and returns the mean time one read
// took, from each reading goroutine's point of view.
func parallelReadNs(g int, read func(i int) int, write func(i int)) float64 {
	var wg sync.WaitGroup
	var total atomic.Int64
	var stop atomic.Bool
	writerDone := make(chan struct{})
	if write != nil {
		go func() {
			defer close(writerDone)
			for i := 0; !stop.Load(); i++ {
				write(i)
			}
		}()
	} else {
		close(writerDone)
	}
	start := time.Now()
	deadline := start.Add(perfSlice)
	for k := 0; k < g; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			n, s := 0, 0
			for time.Now().Before(deadline) {
				for j := 0; j < 256; j++ {
					s += read(n + k*7919)
					n++
				}
			}
			total.Add(int64(n))
			sink.Add(int64(s))
		}(k)
	}
	wg.Wait()
	el := time.Since(start)
	stop.Store(true)
	<-writerDone
	perGoroutine := float64(total.Load()) / float64(g)
	return float64(el.Nanoseconds()) / perGoroutine
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
