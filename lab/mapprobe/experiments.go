package mapprobe

import (
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"time"
	"unsafe"

	"github.com/mapsafe/mapsafe/inspect"
)

// Sink keeps the experiments' reads alive (exported, so that neither the
// compiler nor a linter can tell it is never read).
var Sink int

// RaceNoGrowth (claim 2): a writer that only overwrites existing keys never
// grows the map (it allocates nothing and the layout keeps its shape), yet
// racing it against a range is caught. Prints the no-growth figures, then
// races until the runtime kills the process; "race seen: false" after 3 s
// means it was not caught.
func RaceNoGrowth(w io.Writer) error {
	keys := longKeys(64, 1024)
	m := make(map[string]int)
	for i, k := range keys {
		m[k] = i
	}
	before, err := look(m)
	if err != nil {
		return err
	}
	runtimeFigure(w, before)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	mallocs := ms.Mallocs
	for i := 0; i < 10000; i++ {
		m[keys[i%len(keys)]] = i
	}
	runtime.ReadMemStats(&ms)
	after, err := look(m)
	if err != nil {
		return err
	}
	figure(w, "allocations during 10000 overwrites", ms.Mallocs-mallocs)
	figure(w, "units before", units(before))
	figure(w, "units after", units(after))
	figure(w, "growing", growing(after))

	if runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	figure(w, "racing", true)
	go func() {
		for i := 0; ; i++ {
			m[keys[i%len(keys)]] = i
		}
	}()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		for _, v := range m {
			Sink += v
		}
	}
	figure(w, "race seen", false)
	return nil
}

// GrowInRange (claim 2): one goroutine grows the map many times while it
// ranges over it.
func GrowInRange(w io.Writer) error {
	m := map[int]int{}
	for i := 0; i < 8; i++ {
		m[i] = i
	}
	before, err := look(m)
	if err != nil {
		return err
	}
	runtimeFigure(w, before)
	visited := 0
	for range m {
		if visited == 0 {
			for i := 100; i < 2100; i++ {
				m[i] = i
			}
		}
		visited++
	}
	after, err := look(m)
	if err != nil {
		return err
	}
	figure(w, "len before", 8)
	figure(w, "len after", len(m))
	figure(w, "units before", units(before))
	figure(w, "units after", units(after))
	figure(w, "visited", visited)
	return nil
}

// BucketSize (claim 7a): how many entries the first storage unit of a map
// takes before the map grows, and the slot count implied by the unit's
// size in the runtime's type descriptor.
func BucketSize(w io.Writer) error {
	m := map[int64]int64{}
	m[0] = 0
	first, err := look(m)
	if err != nil {
		return err
	}
	runtimeFigure(w, first)
	held := -1
	for i := int64(1); i < 64; i++ {
		m[i] = i
		l, err := look(m)
		if err != nil {
			return err
		}
		if units(l) != units(first) || (l.Swiss != nil && l.Swiss.Small != first.Swiss.Small) {
			held = int(i) // entries before this insert
			break
		}
	}
	if held < 0 {
		return fmt.Errorf("map[int64]int64 did not grow within 64 inserts")
	}
	figure(w, "entries held before the first growth", held)
	ptr := int(unsafe.Sizeof(uintptr(0)))
	perSlot := int(first.KeySize + first.ElemSize)
	if c := first.Classic; c != nil {
		// bucket: a tophash byte per slot, the slots, an overflow pointer
		figure(w, "unit bytes", c.BucketSize)
		figure(w, "slots per unit", (int(c.BucketSize)-ptr)/(1+perSlot))
	} else {
		// group: an 8-byte control word, then the slots
		s := first.Swiss
		figure(w, "unit bytes", s.GroupSize)
		figure(w, "slots per unit", (int(s.GroupSize)-8)/perSlot)
	}
	return nil
}

// cellStats counts a map's storage cells (tophash bytes of every bucket,
// overflow bucket and old bucket; control bytes of every group) by value.
type cellStats struct {
	cells, zeros, ones, aboveOne, marks int // marks: values 2, 3, 4
	values                              []int
}

func cellsOf(m interface{}) (cellStats, int, error) {
	l, err := lookCells(m)
	if err != nil {
		return cellStats{}, 0, err
	}
	var cs cellStats
	add := func(v int) {
		cs.values = append(cs.values, v)
		cs.cells++
		switch {
		case v == 0:
			cs.zeros++
		case v == 1:
			cs.ones++
		default:
			cs.aboveOne++
			if v <= 4 {
				cs.marks++
			}
		}
	}
	if c := l.Classic; c != nil {
		for _, arr := range [][]bucketChain{chains(c.Buckets), chains(c.OldBuckets)} {
			for _, chain := range arr {
				for _, th := range chain {
					for _, v := range th {
						add(int(v))
					}
				}
			}
		}
	} else {
		s := l.Swiss
		if s.SmallGroup != nil {
			for _, v := range s.SmallGroup {
				add(int(v))
			}
		}
		for _, t := range s.Tables {
			for _, g := range t.Groups {
				for _, v := range g {
					add(int(v))
				}
			}
		}
	}
	return cs, l.Len, nil
}

func printCells(w io.Writer, moment string, cs cellStats, n int) {
	figure(w, moment+" len", n)
	figure(w, moment+" cells", cs.cells)
	figure(w, moment+" cells 0", cs.zeros)
	figure(w, moment+" cells 1", cs.ones)
	figure(w, moment+" cells above 1", cs.aboveOne)
	figure(w, moment+" cells 2-4", cs.marks)
}

// TopHashValues (claim 7b): the values in a map's per-slot bytes (tophash
// on the classic map, control bytes on Swiss tables) in a freshly filled
// map, after deletes, and right after an insert that grew the map; and the
// values deletes wrote.
func TopHashValues(w io.Writer) error {
	m := map[int]int{}
	for i := 0; i < 100; i++ {
		m[i] = i
	}
	l, err := look(m)
	if err != nil {
		return err
	}
	runtimeFigure(w, l)
	fresh, n, err := cellsOf(m)
	if err != nil {
		return err
	}
	printCells(w, "fresh", fresh, n)

	const deletes = 30
	for i := 0; i < deletes; i++ {
		delete(m, i*3)
	}
	afterDel, n, err := cellsOf(m)
	if err != nil {
		return err
	}
	if afterDel.cells != fresh.cells {
		return fmt.Errorf("deletes changed the number of cells (%d to %d)", fresh.cells, afterDel.cells)
	}
	written := map[int]bool{}
	changed := 0
	for i, v := range afterDel.values {
		if v != fresh.values[i] {
			changed++
			written[v] = true
		}
	}
	var vs []int
	for v := range written {
		vs = append(vs, v)
	}
	figure(w, "deleted", deletes)
	figure(w, "cells changed by deletes", changed)
	figure(w, "values written by deletes", ints(vs))
	printCells(w, "after deletes", afterDel, n)

	// Insert new keys until the map grows, and look right after.
	u := units(l)
	for k := 1000; k < 100000; k++ {
		m[k] = k
		l, err = look(m)
		if err != nil {
			return err
		}
		if units(l) != u {
			break
		}
	}
	if units(l) == u {
		return fmt.Errorf("the map did not grow")
	}
	grown, n, err := cellsOf(m)
	if err != nil {
		return err
	}
	figure(w, "growing", growing(l))
	printCells(w, "after growth", grown, n)
	return nil
}

// LoadFactor (claim 8a): the inserts at which a map[int]int grows, with the
// number of 8-slot units (buckets, groups) it had before each.
func LoadFactor(w io.Writer) error {
	m := map[int]int{}
	m[0] = 0
	l, err := look(m)
	if err != nil {
		return err
	}
	runtimeFigure(w, l)
	u := units(l)
	small := l.Swiss != nil && l.Swiss.Small
	var points []string
	for i := 1; i < 1000; i++ {
		m[i] = i
		l, err = look(m)
		if err != nil {
			return err
		}
		nu := units(l)
		ns := l.Swiss != nil && l.Swiss.Small
		if nu != u || ns != small {
			// insert number i+1 grew the map from u units
			points = append(points, fmt.Sprintf("%d/%d", i+1, u))
			u, small = nu, ns
		}
	}
	figure(w, "growths (insert/units before)", strings.Join(points, " "))
	return nil
}

// Overflow (claim 8b): delete the oldest key and insert a new one, so the
// count stays put, until the map grows without getting bigger (a same-size
// growth) or 200000 operations pass. Prints the overflow bucket count the
// runtime kept just before each growth, and 2^B.
func Overflow(w io.Writer) error {
	const count = 100
	m := map[int]int{}
	for i := 0; i < count; i++ {
		m[i] = i
	}
	// Let any doubling in progress finish first (overwrites evacuate).
	for j := 0; j < 1000; j++ {
		l, err := look(m)
		if err != nil {
			return err
		}
		if !growing(l) {
			break
		}
		m[j%count] = j
	}
	l, err := look(m)
	if err != nil {
		return err
	}
	runtimeFigure(w, l)
	startUnits := units(l)
	figure(w, "count", count)
	figure(w, "units at start", startUnits)
	if l.Classic == nil {
		figure(w, "overflow buckets", "none in this layout")
	}
	prev := l
	oldest := 0
	for op := 1; op <= 200000; op++ {
		delete(m, oldest)
		oldest++
		m[oldest+count-1] = op
		l, err = look(m)
		if err != nil {
			return err
		}
		if c := l.Classic; c != nil && c.Growing && !prev.Classic.Growing {
			figure(w, "growth after operations", op)
			figure(w, "same-size growth", c.SameSize)
			figure(w, "overflow buckets before growth", prev.Classic.NOverflow)
			figure(w, "2^B before growth", 1<<prev.Classic.B)
			return nil
		}
		if l.Swiss != nil && units(l) != units(prev) {
			figure(w, "growth after operations", op)
			figure(w, "same-size growth", false)
			figure(w, "units after growth", units(l))
			return nil
		}
		prev = l
	}
	figure(w, "growth after operations", "none in 200000")
	figure(w, "units at end", units(l))
	return nil
}

// StartPosition (claim 9): the first key of 2000 ranges over the same
// 64-entry map. More distinct first keys than one 8-slot unit holds means
// iteration does not always start in the same bucket or group.
func StartPosition(w io.Writer) error {
	m := map[int]int{}
	for i := 0; i < 64; i++ {
		m[i] = i
	}
	l, err := look(m)
	if err != nil {
		return err
	}
	runtimeFigure(w, l)
	const ranges = 2000
	first := map[int]int{}
	for r := 0; r < ranges; r++ {
		for k := range m {
			first[k]++
			break
		}
	}
	figure(w, "ranges", ranges)
	figure(w, "units", units(l))
	figure(w, "distinct first keys", len(first))
	return nil
}

// IteratorSize (claim 10): the size of the runtime's map iterator, which
// reflect.MapIter embeds after a reflect.Value (gc: maps.Iter itself;
// gccgo: reflect's copy of runtime.hiter, kept in sync by the runtime).
func IteratorSize(w io.Writer) error {
	m := map[int]int{1: 1}
	l, err := look(m)
	if err != nil {
		return err
	}
	runtimeFigure(w, l)
	var it reflect.MapIter
	var v reflect.Value
	figure(w, "reflect.MapIter bytes", unsafe.Sizeof(it))
	figure(w, "reflect.Value bytes", unsafe.Sizeof(v))
	figure(w, "iterator bytes", unsafe.Sizeof(it)-unsafe.Sizeof(v))
	// The inspector reads the runtime iterator at that offset and checks it.
	mi := reflect.ValueOf(m).MapRange()
	mi.Next()
	st, err := inspectIter(mi)
	if err != nil {
		return err
	}
	figure(w, "inspector read the iterator", st)
	return nil
}

// Evacuation (claim 11): grow a map[int]int of about 800 entries and count
// the entries in its current storage (the new bucket array; all tables)
// right after the growing insert, after 20000 reads, and after writes.
func Evacuation(w io.Writer) error {
	m := map[int]int{}
	for i := 0; i < 500; i++ {
		m[i] = i
	}
	l, err := look(m)
	if err != nil {
		return err
	}
	runtimeFigure(w, l)
	u := units(l)
	for k := 500; ; k++ {
		m[k] = k
		if l, err = look(m); err != nil {
			return err
		}
		if units(l) != u {
			break
		}
		if k > 100000 {
			return fmt.Errorf("the map did not grow")
		}
	}
	n := len(m)
	figure(w, "count", n)
	figure(w, "units before", u)
	figure(w, "units after", units(l))
	figure(w, "in current storage after the growing insert", inCurrent(l))

	for r := 0; r < 20000; r++ {
		Sink += m[r%n]
	}
	if l, err = look(m); err != nil {
		return err
	}
	figure(w, "in current storage after 20000 reads", inCurrent(l))

	for j := 0; j < 16; j++ {
		m[j] = j // overwrite: no new entry, no new growth
	}
	if l, err = look(m); err != nil {
		return err
	}
	figure(w, "in current storage after 16 writes", inCurrent(l))
	writes := 16
	for growing(l) && writes < 100000 {
		m[writes%n] = writes
		writes++
		if l, err = look(m); err != nil {
			return err
		}
	}
	figure(w, "writes until no growth in progress", writes)
	figure(w, "in current storage at the end", inCurrent(l))
	return nil
}

// inCurrent counts entries in the current storage: the classic map's
// current bucket array (old buckets not yet evacuated hold the rest), or
// all tables of a Swiss map.
func inCurrent(l *inspect.Layout) int {
	n := 0
	if c := l.Classic; c != nil {
		for _, b := range c.Buckets {
			n += b.Entries
		}
		return n
	}
	if l.Swiss.Small {
		return int(l.Swiss.Used)
	}
	for _, t := range l.Swiss.Tables {
		n += t.Used
	}
	return n
}

func growing(l *inspect.Layout) bool {
	return l.Classic != nil && l.Classic.Growing
}

type bucketChain = []inspect.TopHash

func chains(bs []inspect.Bucket) []bucketChain {
	out := make([]bucketChain, len(bs))
	for i, b := range bs {
		out[i] = b.Chain
	}
	return out
}

func inspectIter(it *reflect.MapIter) (string, error) {
	st, err := inspect.Iter(it)
	if err != nil {
		return "", err
	}
	if st.Classic != nil {
		return fmt.Sprintf("classic hiter, start bucket %d of %d", st.Classic.StartBucket, 1<<st.Classic.B), nil
	}
	return fmt.Sprintf("swiss Iter, small map %v", st.Swiss.Small), nil
}

// longKeys returns n distinct strings of size bytes sharing all but their
// last 8 bytes (as lab/repro.LongKeys, which gccgo cannot import).
func longKeys(n, size int) []string {
	prefix := strings.Repeat("k", size-8)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s%08d", prefix, i)
	}
	return keys
}
