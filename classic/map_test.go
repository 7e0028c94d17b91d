package classic

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func newIntMap(t testing.TB, hint int, seed uint64) *Map[int, int] {
	t.Helper()
	m, err := New[int, int](hint, Config[int]{Seed: seed}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustCheck(t testing.TB, m interface{ Check() error }, what string) {
	t.Helper()
	if err := m.Check(); err != nil {
		t.Fatalf("after %s: %v", what, err)
	}
}

// The doubling points of map[int]int filled from empty are hash-independent:
// count+1 > 8 and > 13*2^(B-1). READING.md lists 9, 14, 27, 53, 105 as
// measured on gccgo-12.
func TestGrowthPoints(t *testing.T) {
	var got []int
	for seed := uint64(1); seed <= 3; seed++ {
		m := newIntMap(t, 0, seed)
		var pts []int
		for i := 0; i < 1700; i++ {
			b := m.B()
			m.Insert(i, i)
			mustCheck(t, m, "insert")
			if m.B() != b {
				pts = append(pts, i+1)
			}
		}
		if got == nil {
			got = pts
		} else if !slices.Equal(got, pts) {
			t.Fatalf("growth points depend on the seed: %v vs %v", got, pts)
		}
	}
	want := []int{9, 14, 27, 53, 105, 209, 417, 833, 1665}
	if !slices.Equal(got, want) {
		t.Fatalf("B grew at inserts %v, want %v", got, want)
	}
}

func TestMakeHintTooBig(t *testing.T) {
	if _, err := New[int, int](1<<40, Config[int]{}, nil); err == nil || !strings.Contains(err.Error(), "make(map, 1099511627776)") {
		t.Fatalf("hint 1<<40: %v", err)
	}
}

func TestMakeHint(t *testing.T) {
	for _, c := range []struct {
		hint int
		B    uint8
	}{{-5, 0}, {0, 0}, {8, 0}, {9, 1}, {13, 1}, {14, 2}, {26, 2}, {27, 3}, {104, 4}, {105, 5}, {1 << 20, 18}, {1 << 47, 0}} { // 1<<47 * 144 bytes > maxAlloc: ignored
		m := newIntMap(t, c.hint, 1)
		if m.B() != c.B {
			t.Errorf("make(map[int]int, %d): B=%d, want %d", c.hint, m.B(), c.B)
		}
		// A map sized by its hint does not grow while it is filled up to
		// the hint.
		if c.hint > 0 && c.hint < 5000 {
			for i := 0; i < c.hint; i++ {
				m.Insert(i, i)
			}
			if m.B() != c.B || m.Growing() {
				t.Errorf("make(map[int]int, %d) grew while filled to its hint: B=%d", c.hint, m.B())
			}
		}
	}
}

// Preallocated overflow buckets: for B >= 4 the array gets 2^(B-4) extra
// buckets, rounded up to the allocator's size class (144-byte buckets for
// map[int]int).
func TestPreallocatedOverflow(t *testing.T) {
	for _, c := range []struct {
		B    uint8
		free int
	}{{3, 0}, {4, 2}, {5, 5}, {6, 7}, {8, 28}} { // 34*144=4896 -> 5376 (37 buckets); 68*144=9792 -> 10240 (71); 272*144=39168 -> 40960 (284)
		m := newIntMap(t, int(6.5*float64(uint64(1)<<c.B)), 1)
		if m.B() != c.B {
			t.Fatalf("hint for B=%d gave B=%d", c.B, m.B())
		}
		if got := m.State().PreallocFree; got != c.free {
			t.Errorf("B=%d: %d preallocated overflow buckets, want %d", c.B, got, c.free)
		}
	}
}

func TestRoundupsize(t *testing.T) {
	for _, c := range []struct{ in, out uint64 }{{1, 8}, {144, 144}, {145, 160}, {2448, 2688}, {32768, 32768}, {32769, 40960}, {144 * 34, 5376}} {
		if got := roundupsize(c.in); got != c.out {
			t.Errorf("roundupsize(%d) = %d, want %d", c.in, got, c.out)
		}
	}
}

func TestTopHashAndLoad(t *testing.T) {
	if TopHash(0) != MinTopHash || TopHash(4<<56) != 9 || TopHash(0xff<<56) != 0xff {
		t.Fatal("tophash does not skip the markers")
	}
	if OverLoadFactor(8, 0) || !OverLoadFactor(9, 0) || OverLoadFactor(13, 1) || !OverLoadFactor(14, 1) {
		t.Fatal("overLoadFactor thresholds")
	}
	if TooManyOverflowBuckets(3, 2) || !TooManyOverflowBuckets(4, 2) || !TooManyOverflowBuckets(1<<15, 20) {
		t.Fatal("tooManyOverflowBuckets thresholds")
	}
}

// A random mix of operations keeps every invariant, and the model agrees
// with a Go map on contents and lookups.
func TestRandomOpsKeepInvariants(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		m := newIntMap(t, r.IntN(40), seed)
		ref := map[int]int{}
		keys := 60 + r.IntN(300)
		for op := 0; op < 3000; op++ {
			k := r.IntN(keys)
			switch x := r.IntN(100); {
			case x < 55:
				m.Insert(k, op)
				ref[k] = op
			case x < 90:
				m.Delete(k)
				delete(ref, k)
			case x < 99:
				v, ok := m.Lookup(k)
				rv, rok := ref[k]
				if v != rv || ok != rok {
					t.Fatalf("seed %d op %d: lookup %d = %d,%v want %d,%v", seed, op, k, v, ok, rv, rok)
				}
			default:
				m.Clear()
				clear(ref)
			}
			if err := m.Check(); err != nil {
				t.Fatalf("seed %d op %d: %v", seed, op, err)
			}
			if m.Len() != len(ref) {
				t.Fatalf("seed %d op %d: len %d want %d", seed, op, m.Len(), len(ref))
			}
		}
	}
}

func TestNaNKeys(t *testing.T) {
	m, _ := New[float64, int](0, Config[float64]{Seed: 3}, nil)
	nan := math.NaN()
	for i := 0; i < 40; i++ {
		m.Insert(nan, i)
		m.Insert(float64(i), i)
	}
	if m.Len() != 80 {
		t.Fatalf("len %d, want 80 (every NaN insert adds a key)", m.Len())
	}
	mustCheck(t, m, "NaN inserts")
	if _, ok := m.Lookup(nan); ok {
		t.Fatal("a NaN key was found by lookup")
	}
	m.Delete(nan)
	if m.Len() != 80 {
		t.Fatal("delete of NaN removed a key")
	}
	n := 0
	for it := m.Iter(); it.Ok(); it.Next() {
		n++
	}
	if n != 80 {
		t.Fatalf("iteration returned %d keys, want 80", n)
	}
	m.Insert(math.Copysign(0, -1), 1)
	m.Insert(0, 2)
	if v, _ := m.Lookup(0); v != 2 || m.Len() != 80 {
		t.Fatalf("+0 and -0 are one key: len %d, m[0]=%d", m.Len(), v)
	}
}

func TestFatalOnlyWhenOverlapping(t *testing.T) {
	m := newIntMap(t, 0, 1)
	var f *Fatal
	func() {
		defer func() {
			if e, ok := recover().(error); !ok || !errors.As(e, &f) {
				panic(e)
			}
		}()
		m.SetObserver(func(e Event) {
			if e.Kind == EvWriting {
				m.SetObserver(nil)
				m.Insert(99, 1) // a second write while the first is in progress
			}
		})
		m.Insert(1, 1)
	}()
	if f == nil || f.Message != "concurrent map writes" {
		t.Fatalf("nested write: got %v, want fatal concurrent map writes", f)
	}
}

// A grow from 2048 old buckets: advanceEvacuationMark moves at most 1024
// buckets per call, and the grow still ends with every key in place.
func TestLargeGrow(t *testing.T) {
	m := newIntMap(t, 0, 4)
	n := 13<<10 + 1 // the 13313th key grows B from 11 to 12
	for i := 0; i < n; i++ {
		m.Insert(i, i)
	}
	if m.B() != 12 || !m.Growing() {
		t.Fatalf("after %d inserts: B=%d growing %v", n, m.B(), m.Growing())
	}
	maxJump := uint64(0)
	m.SetObserver(func(e Event) {
		if e.Kind == EvMarkAdvance && e.To-e.From > maxJump {
			maxJump = e.To - e.From
		}
	})
	for i := n; m.Growing(); i++ {
		m.Insert(i, i)
		if i%512 == 0 {
			mustCheck(t, m, "insert during a large grow")
		}
	}
	mustCheck(t, m, "large grow")
	if maxJump > 1024 {
		t.Fatalf("nevacuate jumped by %d buckets in one call", maxJump)
	}
	for i := 0; i < n; i += 97 {
		if v, ok := m.Lookup(i); !ok || v != i {
			t.Fatalf("key %d lost: %d %v", i, v, ok)
		}
	}
}

// With pointers in the buckets, evacuation clears the old bucket's keys and
// overflow link unless an iterator may still read the old array.
func TestHasPointersClearsEvacuatedBuckets(t *testing.T) {
	for _, iterate := range []bool{false, true} {
		m, _ := New[int, int](0, Config[int]{Seed: 2, HasPointers: true}, nil)
		for i := 0; i < 26; i++ {
			m.Insert(i, i+1)
		}
		var it *Iter[int, int]
		if iterate {
			it = m.Iter()
		}
		m.Insert(26, 27) // grow starts, two old buckets evacuated
		s := m.State()
		stale := 0
		for _, c := range s.OldBuckets {
			if c[0].TopHash[0] >= EvacuatedX && c[0].TopHash[0] <= EvacuatedEmpty {
				for _, e := range c[0].Elems {
					if e != "" && e != "0" {
						stale++
					}
				}
			}
		}
		if iterate && stale == 0 || !iterate && stale != 0 {
			t.Errorf("iterator %v: %d elems left in evacuated old buckets", iterate, stale)
		}
		if s.Overflow != 0 {
			t.Errorf("a map with pointers recorded %d overflow buckets in extra", s.Overflow)
		}
		if it != nil {
			for it.Next() {
			}
		}
		mustCheck(t, m, "grow with pointers")
	}
}
