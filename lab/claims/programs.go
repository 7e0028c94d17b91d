package claims

import (
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/mapsafe/mapsafe/lab/child"
	"github.com/mapsafe/mapsafe/lab/repro"
)

// The child programs of the gc-side experiments. Each prints its figures as
// "name: value" lines on stdout (see figures); the ones that are meant to
// race crash instead, and their parent reads the crash from stderr.

func init() {
	child.Register("claims/article", articleProgram)
	child.Register("claims/recover-fatal", recoverFatalProgram)
	child.Register("claims/recover-panic", recoverPanicProgram)
	child.Register("claims/keys-in-defer", keysInDeferProgram)
	child.Register("claims/rwmutex-range", rwmutexRangeProgram(true))
	child.Register("claims/unlocked-range", rwmutexRangeProgram(false))
	child.Register("claims/write-after-range", writeAfterRangeProgram)
	child.Register("claims/defer-range-body-writes", deferRangeBodyWritesProgram)
	child.Register("claims/delete-in-range", deleteInRangeProgram)
	child.Register("claims/named-results", namedResultsProgram)
	child.Register("claims/slice-in-defer", sliceInDeferProgram)
	child.Register("claims/growth-trace", growthTraceProgram)
	child.Register("claims/snapshot-writes", snapshotWritesProgram)
	child.Register("claims/syncmap-reads", syncMapReadsProgram)
}

var sink atomic.Int64

// articleProgram is the article's chapter 1 reproducer, as printed, called
// once. The one change: main waits until the article's goroutine has made
// its write, so the process does not exit before the write could race.
func articleProgram([]string) int {
	repro.SetProcs(0)
	wrote := make(chan struct{})
	reproducePanic := func() {
		m := make(map[int]int)
		for i := 0; i < 65536; i++ {
			m[i] = i
		}
		defer func() {
			if r := recover(); r != nil {
				fmt.Println("recovered:", r)
			}
		}()
		defer func() {
			for range m {
				break
			}
		}()
		go func() {
			defer close(wrote)
			time.Sleep(1 * time.Microsecond)
			m[65537] = 65537
		}()
	}
	reproducePanic()
	<-wrote
	fmt.Println("returned: true")
	return 0
}

// recoverFatalProgram races a writer against a range, with a deferred
// recover in both goroutines; a recover that caught anything would print
// and exit 0.
func recoverFatalProgram([]string) int {
	repro.SetProcs(0)
	w := repro.NewWorkload(repro.LongKeys(64, 1024))
	catch := func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
			os.Exit(0)
		}
	}
	go func() {
		defer catch()
		for i := 0; ; i++ {
			w.Write(i)
		}
	}()
	func() {
		defer catch()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			for _, v := range w.M {
				sink.Add(int64(v))
			}
		}
	}()
	fmt.Println("race seen: false")
	return 0
}

// recoverPanicProgram is the control: the same deferred recover does catch
// a run-time panic (assignment to entry in nil map).
func recoverPanicProgram([]string) int {
	func() {
		defer func() {
			if r := recover(); r != nil {
				fmt.Println("recovered:", r)
			}
		}()
		var m map[string]int
		//lint:ignore SA5000 the control needs exactly this run-time panic
		m["x"] = 1
	}()
	return 0
}

// keysInDeferProgram takes the article's advice: the deferred function
// snapshots the keys with maps.Keys (collected into a slice, which is what
// a snapshot is) while the goroutine the function started still writes.
func keysInDeferProgram([]string) int {
	repro.SetProcs(0)
	w := repro.NewWorkload(repro.LongKeys(4096, 1024))
	deadline := time.Now().Add(3 * time.Second)
	calls := 0
	for time.Now().Before(deadline) {
		calls++
		func() {
			var stop atomic.Bool
			var writes atomic.Int64
			exited := make(chan struct{})
			defer func() { stop.Store(true); <-exited }()
			go func() {
				defer close(exited)
				for i := 0; !stop.Load(); i++ {
					w.Write(i)
					writes.Add(1)
				}
			}()
			defer func() {
				keys := slices.Collect(maps.Keys(w.M)) // the "snapshot"
				sink.Add(int64(len(keys)))
			}()
			for writes.Load() < 1000 {
				runtime.Gosched()
			}
		}()
	}
	fmt.Println("calls:", calls)
	return 0
}

// rwmutexRangeProgram ranges under a sync.RWMutex read lock while a writer
// writes under the write lock (locked), or the same without the lock (the
// control, which must crash for the experiment to mean anything).
func rwmutexRangeProgram(locked bool) child.Program {
	return func([]string) int {
		repro.SetProcs(0)
		w := repro.NewWorkload(repro.LongKeys(64, 1024))
		var mu sync.RWMutex
		var stop atomic.Bool
		var writes atomic.Int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; !stop.Load(); i++ {
				if locked {
					mu.Lock()
				}
				w.Write(i)
				if locked {
					mu.Unlock()
				}
				writes.Add(1)
			}
		}()
		ranges := 0
		deadline := time.Now().Add(300 * time.Millisecond)
		for time.Now().Before(deadline) {
			if locked {
				mu.RLock()
			}
			for _, v := range w.M {
				sink.Add(int64(v))
			}
			if locked {
				mu.RUnlock()
			}
			ranges++
		}
		stop.Store(true)
		<-done
		fmt.Println("ranges:", ranges)
		fmt.Println("writes:", writes.Load())
		return 0
	}
}

// writeAfterRangeProgram: in one goroutine, range over the map, then write
// to it (new keys, so it grows too), many times.
func writeAfterRangeProgram([]string) int {
	m := map[int]int{}
	for i := 0; i < 8; i++ {
		m[i] = i
	}
	const rounds = 2000
	for r := 0; r < rounds; r++ {
		for _, v := range m {
			sink.Add(int64(v))
		}
		m[len(m)] = r
	}
	fmt.Println("rounds:", rounds)
	fmt.Println("final len:", len(m))
	return 0
}

// deferRangeBodyWritesProgram: a deferred range, and writes that grow the
// map in the body of the same function, in one goroutine.
func deferRangeBodyWritesProgram([]string) int {
	const calls = 200
	grew := 0
	for c := 0; c < calls; c++ {
		visited := 0
		func() {
			m := map[int]int{0: 0}
			defer func() {
				for range m {
					visited++
				}
			}()
			for i := 1; i < 1000; i++ {
				m[i] = i
			}
		}()
		if visited == 1000 {
			grew++
		}
	}
	fmt.Println("calls:", calls)
	fmt.Println("deferred ranges that saw all 1000 entries:", grew)
	return 0
}

// deleteInRangeProgram deletes every entry while ranging, in one goroutine.
func deleteInRangeProgram([]string) int {
	const n = 10000
	m := make(map[int]int, n)
	for i := 0; i < n; i++ {
		m[i] = i
	}
	visited := 0
	for k := range m {
		delete(m, k)
		visited++
	}
	fmt.Println("entries before:", n)
	fmt.Println("visited:", visited)
	fmt.Println("len after:", len(m))
	return 0
}

// namedResultsProgram: a deferred function reads and changes a named result
// after the return statement set it.
func namedResultsProgram([]string) int {
	var seen int
	f := func() (x int) {
		defer func() {
			seen = x
			x *= 2
		}()
		return 21
	}
	fmt.Println("returned:", f())
	fmt.Println("seen in defer:", seen)
	return 0
}

// sliceInDeferProgram is the article's section 3.3 slice example: append
// past capacity, then read s[0] in a deferred function.
func sliceInDeferProgram([]string) int {
	//lint:ignore S1019 the article's code, as printed
	s := make([]int, 1, 1)
	before := unsafe.SliceData(s)
	defer func() {
		fmt.Println("s[0] in defer:", s[0])
		fmt.Println("len in defer:", len(s))
	}()
	s = append(s, 2)
	fmt.Println("backing array moved:", unsafe.SliceData(s) != before)
	return 0
}

// growthTraceProgram grows a map and a slice step by step, counting the
// growth steps, while GODEBUG=gctrace=1 is set by the parent; then it forces
// one collection, which gctrace must report. Markers on stderr split the
// trace into the two phases.
func growthTraceProgram([]string) int {
	// ReadMemStats flushes every P's allocation counts, so Mallocs moves
	// exactly when an insert allocated: for map[int]int, only when the map
	// grows (runtime/metrics counts small objects late, per span).
	var ms runtime.MemStats
	allocs := func() uint64 {
		runtime.ReadMemStats(&ms)
		return ms.Mallocs
	}
	fmt.Fprintln(os.Stderr, "phase: growth")
	m := map[int]int{}
	mapGrowths := 0
	for i := 0; i < 1000; i++ {
		before := allocs()
		m[i] = i
		if allocs() != before {
			mapGrowths++
		}
	}
	var s []int
	sliceGrowths := 0
	for i := 0; i < 2000; i++ {
		c := cap(s)
		s = append(s, i)
		if cap(s) != c {
			sliceGrowths++
		}
	}
	fmt.Fprintln(os.Stderr, "phase: forced gc")
	runtime.GC()
	// runtime.GC returns once marking has ended, which can be before the
	// goroutine that ended it prints the gctrace line: the control then
	// missed its line when the child exited first (seen under CI load).
	// Mark termination prints before it releases worldsema, which
	// ReadMemStats takes to stop the world, so this waits for the line
	// without starting another collection.
	runtime.ReadMemStats(&ms)
	fmt.Fprintln(os.Stderr, "phase: end")
	fmt.Println("map growths:", mapGrowths)
	fmt.Println("slice growths:", sliceGrowths)
	sink.Add(int64(len(m) + len(s)))
	return 0
}
