package repro

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mapsafe/mapsafe/lab/child"
)

// Sizes of the racing and fixed programs. The racing ones loop until the
// runtime kills them; the fixed ones do a fixed amount of work and exit 0.
const (
	raceKeys  = 64   // keys in the shared map for writes, read-write, iteration, clone
	deferKeys = 4096 // keys in the map ranged in the deferred function
	fixedOps  = 100000
	fixedIter = 300
)

func init() {
	for _, r := range All {
		child.Register(programName(r.Name), program(r))
	}
}

// program is the child process body of one reproducer.
func program(r Repro) child.Program {
	return func(args []string) int {
		fs := flag.NewFlagSet(programName(r.Name), flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		procs := fs.Int("procs", 0, "")
		keys := fs.String("keys", "long", "")
		size := fs.Int("size", DefaultKeySize, "")
		timeout := fs.Duration("timeout", DefaultTimeout, "")
		fixed := fs.Bool("fixed", false, "")
		if err := fs.Parse(args); err != nil {
			fmt.Fprintf(os.Stderr, "repro %s: %v\n", r.Name, err)
			return 1
		}
		o := Options{Procs: *procs, Keys: *keys, KeySize: *size, Timeout: *timeout}
		if err := o.Validate(); err != nil {
			fmt.Fprintf(os.Stderr, "repro %s: %v\n", r.Name, err)
			return 1
		}
		n := raceKeys
		if r.Name == "defer" {
			n = deferKeys
		}
		p := SetProcs(*procs)
		mode := "racing"
		if *fixed {
			mode = "fixed"
		}
		fmt.Printf("repro %s (%s): GOMAXPROCS=%d, %d %s keys\n", r.Name, mode, p, n, keyDesc(*keys, *size))
		if *fixed {
			start := time.Now()
			var summary string
			if *keys == "int" {
				summary = r.fixedInt(NewWorkload(IntKeys(n)))
			} else {
				summary = r.fixedLong(NewWorkload(LongKeys(n, *size)))
			}
			fmt.Printf("completed in %v: %s; no crash\n", time.Since(start).Round(time.Millisecond), summary)
			return 0
		}
		go func() {
			time.Sleep(*timeout)
			fmt.Fprintf(os.Stderr, "repro %s: no crash within %v\n", r.Name, *timeout)
			os.Exit(1)
		}()
		if *keys == "int" {
			r.raceInt(NewWorkload(IntKeys(n)))
		} else {
			r.raceLong(NewWorkload(LongKeys(n, *size)))
		}
		return 1 // not reached: the race functions loop until the runtime kills the process
	}
}

func keyDesc(keys string, size int) string {
	if keys == "int" {
		return "int"
	}
	return fmt.Sprintf("%d-byte string", size)
}

// sink keeps results alive so the compiler cannot drop reads.
var sink atomic.Int64

func writeForever[K comparable](w *Workload[K]) {
	for i := 0; ; i++ {
		w.Write(i)
	}
}

func raceWrites[K comparable](w *Workload[K]) {
	go writeForever(w)
	writeForever(w)
}

func raceReadWrite[K comparable](w *Workload[K]) {
	go writeForever(w)
	s := 0
	for i := 0; ; i++ {
		s += w.Read(i)
		if i&0xffff == 0 {
			sink.Store(int64(s))
		}
	}
}

func raceIteration[K comparable](w *Workload[K]) {
	go writeForever(w)
	for {
		s := 0
		for _, v := range w.M {
			s += v
		}
		sink.Store(int64(s))
	}
}

func raceClone[K comparable](w *Workload[K]) {
	go writeForever(w)
	for {
		c := maps.Clone(w.M)
		sink.Store(int64(len(c)))
	}
}

// rangeInDefer is the article's shape: the function starts a goroutine that
// writes to the map, defers a range over the map, and returns. Unlike the
// article it returns only once the writer is running, keeps it running until
// the deferred range is over, and then stops it and waits for it, so that two
// calls' writers never overlap (that would be a different race).
func rangeInDefer[K comparable](w *Workload[K]) (visited int) {
	var stop atomic.Bool
	var writes atomic.Int64
	exited := make(chan struct{})
	defer func() { // runs last: stop the writer so the next call has the map to itself
		stop.Store(true)
		<-exited
	}()
	go func() {
		defer close(exited)
		for i := 0; !stop.Load(); i++ {
			w.Write(i)
			writes.Add(1)
		}
	}()
	defer func() {
		for range w.M { // the deferred range
			visited++
		}
	}()
	for writes.Load() < 1000 {
		runtime.Gosched()
	}
	return visited
}

func raceDefer[K comparable](w *Workload[K]) {
	for call := 1; ; call++ {
		// One line per call: the number of lines before the crash is the
		// number of calls it took (docs/repro.md counts them).
		fmt.Printf("call %d: the deferred range runs while the goroutine writes\n", call)
		sink.Add(int64(rangeInDefer(w)))
	}
}

// The fixed programs.

func fixedWrites[K comparable](w *Workload[K]) string {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < fixedOps; i++ {
				mu.Lock()
				w.Write(i)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return fmt.Sprintf("2 goroutines made %d writes each under a sync.Mutex, len(m)=%d", fixedOps, len(w.M))
}

func fixedReadWrite[K comparable](w *Workload[K]) string {
	var sm sync.Map
	for k, v := range w.M {
		sm.Store(k, v)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < fixedOps; i++ {
			sm.Store(w.Keys[i%len(w.Keys)], i)
		}
	}()
	found := 0
	for i := 0; i < fixedOps; i++ {
		if _, ok := sm.Load(w.Keys[i%len(w.Keys)]); ok {
			found++
		}
	}
	wg.Wait()
	return fmt.Sprintf("%d sync.Map stores and %d loads ran concurrently, %d loads found their key", fixedOps, fixedOps, found)
}

func fixedIteration[K comparable](w *Workload[K]) string {
	visited := 0
	writes := readsBesideLockedWriter(w, func() {
		for range w.M {
			visited++
		}
	})
	return fmt.Sprintf("%d ranges under RLock (%d entries visited) ran while %d writes were made under Lock", fixedIter, visited, writes)
}

func fixedClone[K comparable](w *Workload[K]) string {
	cloned := 0
	writes := readsBesideLockedWriter(w, func() {
		cloned += len(maps.Clone(w.M))
	})
	return fmt.Sprintf("%d maps.Clone calls under RLock (%d entries copied) ran while %d writes were made under Lock", fixedIter, cloned, writes)
}

// readsBesideLockedWriter is the fix shared by the iteration and clone
// reproducers: a goroutine writes w.M under mu.Lock while this goroutine
// calls read fixedIter times under mu.RLock, starting once the goroutine has
// made its first write (so the two overlap however the scheduler runs
// them). It returns how many writes the goroutine made.
func readsBesideLockedWriter[K comparable](w *Workload[K], read func()) int {
	var mu sync.RWMutex
	var wg sync.WaitGroup
	var done atomic.Bool
	started := make(chan struct{})
	writes := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !done.Load(); i++ {
			mu.Lock()
			w.Write(i)
			mu.Unlock()
			if writes++; writes == 1 {
				close(started)
			}
		}
	}()
	<-started
	for r := 0; r < fixedIter; r++ {
		mu.RLock()
		read()
		mu.RUnlock()
	}
	done.Store(true)
	wg.Wait()
	return writes
}

// snapshotInDefer is rangeInDefer with the fix: the writer holds mu, and the
// deferred function copies the map under mu, then ranges over the copy.
func snapshotInDefer[K comparable](w *Workload[K], mu *sync.Mutex) (visited, writes int) {
	var stop atomic.Bool
	var n atomic.Int64
	exited := make(chan struct{})
	defer func() {
		stop.Store(true)
		<-exited
	}()
	go func() {
		defer close(exited)
		for i := 0; !stop.Load(); i++ {
			mu.Lock()
			w.Write(i)
			mu.Unlock()
			n.Add(1)
		}
	}()
	defer func() {
		mu.Lock()
		snap := maps.Clone(w.M)
		mu.Unlock()
		for range snap {
			visited++
		}
		writes = int(n.Load())
	}()
	for n.Load() < 1000 {
		runtime.Gosched()
	}
	return visited, writes
}

func fixedDefer[K comparable](w *Workload[K]) string {
	var mu sync.Mutex
	const calls = 20
	visited, writes := 0, 0
	for c := 0; c < calls; c++ {
		v, n := snapshotInDefer(w, &mu)
		visited += v
		writes += n
	}
	return fmt.Sprintf("%d calls ranged over a snapshot in their deferred function (%d entries visited) while their goroutine had made %d writes", calls, visited, writes)
}
