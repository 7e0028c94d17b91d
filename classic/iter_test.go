package classic

import (
	"math/rand/v2"
	"testing"
)

// The language's iteration guarantees, checked under random inserts,
// deletes and updates done by the iterating goroutine itself, across grows
// of both kinds: every key present at the start and never deleted is
// returned exactly once; a key is never returned twice; a deleted key is
// not returned after its deletion (unless reinserted); the elem returned is
// the current one.
func TestIterationGuarantees(t *testing.T) {
	kinds := map[EventKind]int{}
	for seed := uint64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		var m *Map[int, int]
		m, _ = New[int, int](0, Config[int]{Seed: seed}, func(e Event) { kinds[e.Kind]++ })
		ref := map[int]int{}
		next := 0
		fill := r.IntN(120)
		for range fill {
			m.Insert(next, next)
			ref[next] = next
			next++
		}
		// Churn sometimes, so that grows (and same-size grows) are in
		// progress when the iteration starts.
		for range r.IntN(40) {
			if k := r.IntN(next + 1); r.IntN(2) == 0 {
				m.Delete(k)
				delete(ref, k)
			} else {
				m.Insert(next, next)
				ref[next] = next
				next++
			}
		}
		atStart := map[int]bool{}
		for k := range ref {
			atStart[k] = true
		}
		deleted := map[int]bool{}
		returned := map[int]int{}
		for it := m.Iter(); it.Ok(); it.Next() {
			k, v := it.Key(), it.Elem()
			returned[k]++
			if returned[k] > 1 {
				t.Fatalf("seed %d: key %d returned twice", seed, k)
			}
			if deleted[k] {
				t.Fatalf("seed %d: key %d returned after it was deleted", seed, k)
			}
			if rv, ok := ref[k]; !ok || rv != v {
				t.Fatalf("seed %d: returned %d:%d, map holds %d (present %v)", seed, k, v, rv, ok)
			}
			switch x := r.IntN(10); {
			case x < 4: // insert new keys (may start a grow)
				for range 1 + r.IntN(3) {
					m.Insert(next, next)
					ref[next] = next
					next++
				}
			case x < 7: // delete some key
				d := r.IntN(next)
				m.Delete(d)
				if _, ok := ref[d]; ok && returned[d] == 0 {
					deleted[d] = true
				}
				delete(ref, d)
			case x < 8: // update
				u := r.IntN(next)
				if _, ok := ref[u]; ok {
					m.Insert(u, -u)
					ref[u] = -u
				}
			}
			if err := m.Check(); err != nil {
				t.Fatalf("seed %d: during iteration: %v", seed, err)
			}
		}
		for k := range atStart {
			if !deleted[k] && returned[k] != 1 {
				t.Fatalf("seed %d: key %d present throughout was returned %d times", seed, k, returned[k])
			}
		}
	}
	// The interesting paths must have been exercised.
	for _, k := range []EventKind{EvGrowStart, EvIterSkip, EvIterRelookup, EvEvacuate} {
		if kinds[k] == 0 {
			t.Errorf("no %v event in the whole run: the test does not reach that path", k)
		}
	}
	t.Logf("events: grow %d, skip %d, relookup %d", kinds[EvGrowStart], kinds[EvIterSkip], kinds[EvIterRelookup])
}

// Reads never evacuate: the article says evacuation happens "in later
// mapassign/mapaccess"; only writes (assign, delete) call growWork.
func TestReadsDoNotEvacuate(t *testing.T) {
	m := newIntMap(t, 0, 5)
	for i := range 27 { // the 27th insert starts the grow from B=2 to B=3
		m.Insert(i, i)
	}
	if !m.Growing() {
		t.Fatal("not growing after 27 inserts")
	}
	before := m.Nevacuate()
	evac := 0
	m.SetObserver(func(e Event) {
		if e.Kind == EvEvacuate {
			evac++
		}
	})
	for i := range 100 {
		m.Lookup(i)
	}
	for it := m.Iter(); it.Ok(); it.Next() {
	}
	if evac != 0 || m.Nevacuate() != before || !m.Growing() {
		t.Fatalf("reads evacuated %d buckets (nevacuate %d -> %d)", evac, before, m.Nevacuate())
	}
	m.Insert(1000, 1)
	if evac == 0 {
		t.Fatal("a write during a grow evacuated nothing")
	}
}

// Each write during a grow evacuates at most two old buckets (the key's and
// the one at nevacuate), not one as the article says, and advances
// nevacuate by at least one: a grow from 2^n old buckets ends after
// between 2^(n-1) and 2^n writes.
func TestGrowWorkPerWrite(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		m := newIntMap(t, 0, seed)
		i := 0
		for ; m.B() < 5; i++ {
			m.Insert(i, i)
		}
		// The insert that started the grow did its own growWork.
		writes := 1
		for m.Growing() {
			n := 0
			mark := m.Nevacuate()
			m.SetObserver(func(e Event) {
				if e.Kind == EvEvacuate {
					n++
				}
			})
			m.Insert(i, i)
			i++
			writes++
			if n > 2 {
				t.Fatalf("seed %d: one write evacuated %d buckets", seed, n)
			}
			if m.Growing() && m.Nevacuate() <= mark {
				t.Fatalf("seed %d: nevacuate did not advance (%d)", seed, mark)
			}
		}
		if writes < 8 || writes > 16 {
			t.Fatalf("seed %d: grow from 16 old buckets took %d writes, want 8..16", seed, writes)
		}
	}
}

// Deleting and reinserting fresh keys at a steady size fills overflow
// buckets that never empty; when there are as many as buckets the next new
// key starts a same-size grow, which packs the keys again.
func TestSameSizeGrowFromChurn(t *testing.T) {
	m := newIntMap(t, 0, 9)
	r := rand.New(rand.NewPCG(9, 9))
	live := []int{}
	next := 0
	for range 100 { // B=4: 100 keys, just under 6.5*16 = 104
		m.Insert(next, next)
		live = append(live, next)
		next++
	}
	var grows []Event
	m.SetObserver(func(e Event) {
		if e.Kind == EvGrowStart {
			grows = append(grows, e)
		}
	})
	for op := 0; op < 20000 && len(grows) == 0; op++ {
		j := r.IntN(len(live))
		m.Delete(live[j])
		m.Insert(next, next)
		live[j] = next
		next++
	}
	if len(grows) == 0 {
		t.Fatal("no grow after 20000 delete+insert pairs at a steady size")
	}
	if g := grows[0]; !g.SameSize || g.B != 4 || g.OldB != 4 {
		t.Fatalf("first grow under churn: %v, want a same-size grow at B=4", g)
	}
	mustCheck(t, m, "same-size grow")
	if !m.SameSizeGrow() && m.Growing() {
		t.Fatal("growing without the sameSizeGrow flag")
	}
}

// An iteration that started before a grow reads the old bucket array.
// Go 1.18's mapclear drops that array without marking it, so the iteration
// goes on returning keys the clear removed; Go 1.21 marks both arrays
// emptyRest first (golang/go#59411). classic/verify shows gccgo 12 doing
// the same as the model's default.
func TestClearDuringIterationStaleKeys(t *testing.T) {
	run := func(fix bool) (stale int) {
		for seed := uint64(1); seed <= 20; seed++ {
			m, _ := New[int, int](0, Config[int]{Seed: seed, ClearMarksEmpty: fix}, nil)
			for i := range 26 {
				m.Insert(i, i)
			}
			it := m.Iter()
			m.Insert(100, 100) // the 27th key starts a doubling grow
			m.Clear()
			for it.Next() {
				stale++
			}
			mustCheck(t, m, "clear")
		}
		return stale
	}
	if n := run(false); n == 0 {
		t.Error("Go 1.18 clear: no stale key returned after the clear in 20 runs; the model lost the runtime's behaviour")
	}
	if n := run(true); n != 0 {
		t.Errorf("Go 1.21 clear: %d keys returned after the clear", n)
	}
}

// A same-size grow in progress when a new key crosses the load limit
// postpones the doubling: no grow starts while one is in progress. The
// doubling then happens at the first new key after the grow ends. So B,
// like same-size grows, depends on where keys hash once churn has built
// overflow buckets.
func TestSameSizeGrowPostponesDoubling(t *testing.T) {
	for seed := uint64(1); seed <= 300; seed++ {
		m := newIntMap(t, 0, seed)
		keys := []int{}
		for i := range 26 { // B=2 holds 26 keys
			m.Insert(i, i)
			keys = append(keys, i)
		}
		next := 26
		for pairs := 0; !m.Growing() && pairs < 2000; pairs++ {
			m.Delete(keys[0])
			keys = keys[1:]
			m.Insert(next, next)
			keys = append(keys, next)
			next++
		}
		if !m.SameSizeGrow() {
			continue
		}
		m.Insert(next, next) // the 27th key: over the load limit
		next++
		if !m.Growing() || m.B() != 2 {
			continue // the same-size grow finished in time, and the map doubled
		}
		// Postponed: count 27 in 4 buckets. Insert until the grow ends;
		// the first new key after that doubles.
		for m.Growing() && m.SameSizeGrow() {
			if !OverLoadFactor(m.Len(), m.B()) {
				t.Fatalf("seed %d: count %d is not over the limit for B=%d", seed, m.Len(), m.B())
			}
			m.Insert(next, next)
			next++
		}
		if m.B() != 3 || !m.Growing() || m.SameSizeGrow() {
			t.Fatalf("seed %d: after the same-size grow the next key did not double: B=%d growing=%v", seed, m.B(), m.Growing())
		}
		mustCheck(t, m, "postponed doubling")
		t.Logf("seed %d: doubling postponed to count %d", seed, m.Len())
		return
	}
	t.Fatal("no seed in 1..300 postponed a doubling")
}
