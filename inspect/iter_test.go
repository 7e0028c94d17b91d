package inspect_test

import (
	"reflect"
	"testing"

	"github.com/mapsafe/mapsafe/inspect"
)

func iterState(t *testing.T, it *reflect.MapIter) *inspect.SwissIter {
	t.Helper()
	st, err := inspect.Iter(it)
	if err != nil {
		t.Fatal(err)
	}
	if st.Impl != inspect.ImplSwiss || st.Swiss == nil {
		t.Fatalf("impl %q, want swiss", st.Impl)
	}
	return st.Swiss
}

func fill(n int) map[int]int {
	m := map[int]int{}
	for i := 0; i < n; i++ {
		m[i] = i
	}
	return m
}

// drain runs it to the end and checks that every key of want was
// returned exactly once.
func drain(t *testing.T, it *reflect.MapIter, seen map[int]int, want []int) {
	t.Helper()
	for it.Next() {
		seen[int(it.Key().Int())]++
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("key %d returned %d times", k, n)
		}
	}
	for _, k := range want {
		if seen[k] != 1 {
			t.Errorf("key %d present at the start returned %d times", k, seen[k])
		}
	}
}

func keys(m map[int]int) []int {
	var ks []int
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func next(t *testing.T, it *reflect.MapIter, n int, seen map[int]int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if !it.Next() {
			t.Fatal("iterator ended early")
		}
		seen[int(it.Key().Int())]++
	}
}

// TestSwissIterAcrossGrow is the article's section 2.5 experiment on a
// real Swiss map: the table an iterator walks is replaced by a grow; the
// iterator keeps the old table (index -1, out of the directory) and still
// returns every key once.
func TestSwissIterAcrossGrow(t *testing.T) {
	m := fill(100) // one table of 128 slots, 12 inserts before it grows
	start := keys(m)
	it := reflect.ValueOf(m).MapRange()
	if st, err := inspect.Iter(it); err != nil || st.Started {
		t.Fatalf("unstarted iterator: %+v, %v", st, err)
	}
	seen := map[int]int{}
	next(t, it, 5, seen)
	s := iterState(t, it)
	if !s.HasTable || s.TableIndex != 0 || s.TableCapacity != 128 || !s.TableInDirectory || s.Small {
		t.Fatalf("before the grow: %+v; want the map's only table (index 0, 128 slots)", s)
	}
	for i := 100; i < 113; i++ {
		m[i] = i
	}
	l, err := inspect.Inspect(m)
	if err != nil {
		t.Fatal(err)
	}
	if c := l.Swiss.Tables[0].Capacity; c != 256 {
		t.Fatalf("after 113 inserts the table has %d slots, want 256", c)
	}
	s = iterState(t, it)
	if !s.HasTable || s.TableIndex != -1 || s.TableCapacity != 128 || s.TableInDirectory {
		t.Fatalf("after the grow: %+v; want the replaced 128-slot table (index -1, not in the directory)", s)
	}
	drain(t, it, seen, start)
	st, err := inspect.Iter(it)
	if err != nil || !st.Done {
		t.Fatalf("after the last Next: %+v, %v; want done", st, err)
	}
}

// TestSwissIterAcrossSplit: a split grows the directory under the
// iterator; the depth it saw stays behind until its next step.
func TestSwissIterAcrossSplit(t *testing.T) {
	m := fill(890) // one 1024-slot table, 6 inserts before it splits
	start := keys(m)
	it := reflect.ValueOf(m).MapRange()
	seen := map[int]int{}
	next(t, it, 3, seen)
	s := iterState(t, it)
	if s.GlobalDepth != 0 || s.MapGlobalDepth != 0 || s.TableCapacity != 1024 {
		t.Fatalf("before the split: %+v", s)
	}
	for i := 890; i < 897; i++ {
		m[i] = i
	}
	s = iterState(t, it)
	if s.GlobalDepth != 0 || s.MapGlobalDepth != 1 || s.TableIndex != -1 || s.TableInDirectory {
		t.Fatalf("after the split, before Next: %+v; want the iterator at depth 0, map at depth 1, its table replaced", s)
	}
	next(t, it, 1, seen)
	s = iterState(t, it)
	if s.GlobalDepth != 1 {
		t.Fatalf("after Next: iterator depth %d, want 1", s.GlobalDepth)
	}
	drain(t, it, seen, start)
}

// TestSwissIterSmallGrow: an iterator over a small map keeps reading its
// group after the map moves to a table.
func TestSwissIterSmallGrow(t *testing.T) {
	m := fill(5)
	start := keys(m)
	it := reflect.ValueOf(m).MapRange()
	seen := map[int]int{}
	next(t, it, 2, seen)
	s := iterState(t, it)
	if !s.Small || s.GroupStale || s.DirIdx != -1 {
		t.Fatalf("small map iterator: %+v", s)
	}
	for i := 5; i < 9; i++ {
		m[i] = i
	}
	s = iterState(t, it)
	if !s.Small || !s.GroupStale {
		t.Fatalf("after the map left small mode: %+v; want a stale small group", s)
	}
	drain(t, it, seen, start)
}

func TestIterErrors(t *testing.T) {
	if _, err := inspect.Iter(nil); err == nil {
		t.Error("nil iterator accepted")
	}
	if _, err := inspect.Iter(&reflect.MapIter{}); err == nil {
		t.Error("zero MapIter accepted")
	}
	var nilMap map[string]bool
	it := reflect.ValueOf(nilMap).MapRange()
	if it.Next() {
		t.Fatal("nil map iterated")
	}
	st, err := inspect.Iter(it)
	if err != nil || !st.Started || !st.Done {
		t.Errorf("exhausted iterator over a nil map: %+v, %v", st, err)
	}
}

// A Swiss Location has only Swiss fields: small mode says so (no directory
// entry, no table), and a key of a map with tables gets its table's index.
func TestLocateSwiss(t *testing.T) {
	m := map[int]int{1: 1}
	loc, err := inspect.Locate(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s := loc.Swiss; loc.Impl != inspect.ImplSwiss || loc.Classic != nil || s == nil || !s.Small || s.Table != -1 || s.DirIndex != -1 || s.Group != 0 {
		t.Fatalf("small map: %+v %+v", loc, loc.Swiss)
	}
	for i := 0; i < 3000; i++ {
		m[i] = i
	}
	l, err := inspect.Inspect(m)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 3000; k += 7 {
		loc, err := inspect.Locate(m, k)
		if err != nil {
			t.Fatal(err)
		}
		s := loc.Swiss
		if s.Small || s.DirIndex < 0 || s.DirIndex >= l.Swiss.DirLen || l.Swiss.Directory[s.DirIndex] != s.Table ||
			s.Group < 0 || s.Group >= l.Swiss.Tables[s.Table].Capacity/8 || uint64(s.H2) != loc.Hash&0x7f {
			t.Fatalf("key %d: %+v", k, s)
		}
	}
}
