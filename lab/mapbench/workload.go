package mapbench

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is a kind of workload.
type Kind string

const (
	// Mix: every goroutine draws keys uniformly from the key set; Reads
	// percent of operations are Loads, the rest Store and Delete, 3 to 1.
	// ns/op is wall time over all goroutines' operations, as with
	// testing.B.RunParallel.
	Mix Kind = "mix"
	// Ranging: one goroutine ranges over the whole map again and again
	// while the others (Goroutines-1) write (Store and Delete, 3 to 1).
	// ns/op is the ranging goroutine's time per entry visited.
	Ranging Kind = "range"
	// Snapshotting: one goroutine takes consistent snapshots while the
	// others write. ns/op is the time per snapshot. Only maps that can
	// give a consistent snapshot take part.
	Snapshotting Kind = "snapshot"
)

// A Workload is one row of the benchmark.
type Workload struct {
	Kind       Kind
	Reads      int // percent of Loads, for Mix
	Goroutines int
}

func (w Workload) String() string {
	if w.Kind == Mix {
		return fmt.Sprintf("reads=%d%%/g=%d", w.Reads, w.Goroutines)
	}
	return fmt.Sprintf("%s/g=%d", w.Kind, w.Goroutines)
}

// name is the workload's part of a benchmark name (benchstat reads
// key=value parts as configuration).
func (w Workload) name() string {
	if w.Kind == Mix {
		return fmt.Sprintf("work=reads%d/g=%d", w.Reads, w.Goroutines)
	}
	return fmt.Sprintf("work=%s/g=%d", w.Kind, w.Goroutines)
}

// Workloads returns the workloads for procs = GOMAXPROCS: reads 100, 99,
// 90 and 50 percent with 1, 2 and 2*procs goroutines, then ranging and
// snapshotting alone and with one writer.
func Workloads(procs int) []Workload {
	var ws []Workload
	gs := []int{1, 2, 2 * procs}
	if 2*procs == 2 {
		gs = gs[:2]
	}
	for _, r := range []int{100, 99, 90, 50} {
		for _, g := range gs {
			ws = append(ws, Workload{Mix, r, g})
		}
	}
	for _, k := range []Kind{Ranging, Snapshotting} {
		ws = append(ws, Workload{k, 0, 1}, Workload{k, 0, 2})
	}
	return ws
}

// Keys returns n distinct keys: the ints 0..n-1, or decimal strings of
// 8 or more bytes ("k0000000", ...), so that every key is a separate
// allocation the map must point to or copy.
func intKeys(n int) []int {
	ks := make([]int, n)
	for i := range ks {
		ks[i] = i
	}
	return ks
}

func stringKeys(n int) []string {
	ks := make([]string, n)
	for i := range ks {
		ks[i] = fmt.Sprintf("k%07d", i)
	}
	return ks
}

// rng is a per-goroutine xorshift generator: 1 ns a draw, no shared state.
type rng uint64

func (r *rng) next() uint64 {
	x := uint64(*r)
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	*r = rng(x)
	return x
}

// pick returns an index below n from the high bits of x (Lemire's
// multiply-shift, no division).
func pick(x uint64, n int) int { return int((x >> 32) * uint64(n) >> 32) }

// fill stores every key (value = its index).
func fill[K comparable](m Map[K], keys []K) {
	for i, k := range keys {
		m.Store(k, i)
	}
}

// result is one measurement.
type result struct {
	NsPerOp      float64
	AllocsPerOp  float64
	WriterNsOp   float64 // Ranging, Snapshotting with writers
	Ops          int64   // operations (Mix), entries (Ranging), snapshots
	Elapsed      time.Duration
	Inapplicable bool // the map cannot run this workload (no snapshots)
}

// run runs w on m for ops operations (Mix: in all, split over the
// goroutines; Ranging: entries to visit; Snapshotting: snapshots).
func run[K comparable](m Map[K], keys []K, w Workload, ops int64) result {
	if w.Kind == Snapshotting {
		if _, ok := m.(Snapshotter[K]); !ok {
			return result{Inapplicable: true}
		}
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	var res result
	switch w.Kind {
	case Mix:
		res = runMix(m, keys, w, ops)
	default:
		res = runOneAgainstWriters(m, keys, w, ops)
	}
	res.Elapsed = time.Since(start)
	runtime.ReadMemStats(&ms1)
	res.Ops = ops
	res.NsPerOp = float64(res.Elapsed.Nanoseconds()) / float64(ops)
	res.AllocsPerOp = float64(ms1.Mallocs-ms0.Mallocs) / float64(ops)
	return res
}

func runMix[K comparable](m Map[K], keys []K, w Workload, ops int64) result {
	var wg sync.WaitGroup
	per := ops / int64(w.Goroutines)
	for g := range w.Goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rng(0x9e3779b97f4a7c15 * uint64(g+1))
			n := per
			if g == 0 {
				n += ops % int64(w.Goroutines)
			}
			reads := uint64(w.Reads)
			for i := range n {
				x := r.next()
				k := keys[pick(x, len(keys))]
				switch op := x & 0xffff % 400; {
				case op < reads*4:
					m.Load(k)
				case op&3 != 0:
					m.Store(k, int(i))
				default:
					m.Delete(k)
				}
			}
		}()
	}
	wg.Wait()
	return result{}
}

// runOneAgainstWriters runs the ranging or snapshotting goroutine until it
// has visited ops entries (taken ops snapshots), with Goroutines-1 writers
// going on until it is done.
func runOneAgainstWriters[K comparable](m Map[K], keys []K, w Workload, ops int64) result {
	var stop atomic.Bool
	var writes atomic.Int64
	var wg sync.WaitGroup
	for g := 1; g < w.Goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rng(0x9e3779b97f4a7c15 * uint64(g+1))
			n := int64(0)
			for ; !stop.Load(); n++ {
				x := r.next()
				k := keys[pick(x, len(keys))]
				if x&3 != 0 {
					m.Store(k, int(n))
				} else {
					m.Delete(k)
				}
			}
			writes.Add(n)
		}()
	}
	start := time.Now()
	if w.Kind == Ranging {
		for seen := int64(0); seen < ops; {
			m.Range(func(K, int) bool { seen++; return true })
		}
	} else {
		s := m.(Snapshotter[K])
		var last any // each snapshot lives until the next is taken
		for range ops {
			last = s.Snap()
		}
		runtime.KeepAlive(last)
	}
	elapsed := time.Since(start)
	stop.Store(true)
	wg.Wait()
	var res result
	if n := writes.Load(); n > 0 {
		res.WriterNsOp = float64(elapsed.Nanoseconds()) / float64(n)
	}
	return res
}

// measure calibrates the operation count until a run lasts about d (as
// testing.B does) and returns the last run.
func measure[K comparable](m Map[K], keys []K, w Workload, d time.Duration) result {
	ops := int64(100)
	if w.Kind == Ranging {
		ops = int64(len(keys))
	}
	if w.Kind == Snapshotting {
		ops = 1
	}
	for {
		res := run(m, keys, w, ops)
		if res.Inapplicable || res.Elapsed >= d || ops >= 1<<40 {
			return res
		}
		// Aim 20% past d, grow at most 100x a step (testing.B's rule).
		next := int64(float64(ops) * 1.2 * float64(d) / float64(max(res.Elapsed, time.Microsecond)))
		ops = min(max(next, ops+1), 100*ops)
		if w.Kind == Ranging {
			ops = max(ops, int64(len(keys))) // whole passes only
		}
	}
}

// bytesPerEntry builds a map of keys and returns the heap it holds per
// entry, the keys themselves excluded (they exist before and after).
func bytesPerEntry[K comparable](newMap func() Map[K], keys []K) (Map[K], float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := newMap()
	fill(m, keys)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	return m, float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(len(keys))
}

// keysLabel writes 1000 as 1e3 and so on.
func keysLabel(n int) string {
	e := 0
	for x := n; x >= 10 && x%10 == 0; x /= 10 {
		e++
	}
	if n == pow10(e) {
		return "1e" + strconv.Itoa(e)
	}
	return strconv.Itoa(n)
}

func pow10(e int) int {
	n := 1
	for range e {
		n *= 10
	}
	return n
}
