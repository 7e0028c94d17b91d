package cmap

import (
	"runtime"
	"testing"
	"time"
)

func TestRegistry(t *testing.T) {
	var r registry
	if _, ok := r.oldest(); ok {
		t.Fatal("a new registry has a live View")
	}
	a, b, c := r.add(4), r.add(6), r.add(8)
	r.remove(b)
	if g, ok := r.oldest(); !ok || g != 4 {
		t.Fatalf("oldest = %d, %v; want 4", g, ok)
	}
	r.remove(a)
	if g, ok := r.oldest(); !ok || g != 8 {
		t.Fatalf("after removing 4 and 6: oldest = %d, %v; want 8", g, ok)
	}
	for i := range 1000 { // compaction keeps handles valid
		h := r.add(10 + uint64(i))
		r.remove(h)
	}
	if g, ok := r.oldest(); !ok || g != 8 {
		t.Fatalf("oldest = %d, %v; want 8", g, ok)
	}
	r.remove(c)
	if _, ok := r.oldest(); ok {
		t.Fatal("a View is live after all were removed")
	}
}

// chain returns the number of versions in key's slot chain.
func chain(m *Snapshot[int, int], key int) int {
	t := m.table.Load()
	n := 0
	for x := t.slot(m.hash(key)).Load(); x != nil; x = x.link.Load() {
		n++
	}
	return n
}

// TestChainsArePruned: writers keep old versions only while a View that
// may need them is live, and drop them once it is collected.
func TestChainsArePruned(t *testing.T) {
	m := NewSnapshot[int, int]()
	m.Store(1, 0)
	for i := range 10 {
		m.Store(1, i)
	}
	if n := chain(m, 1); n != 1 {
		t.Fatalf("with no View, key 1 has %d versions; want 1", n)
	}
	v := m.Snapshot()
	for i := range 10 {
		m.Store(1, 100+i)
		m.Snapshot() // unreachable at once, released at a GC
	}
	if x, _ := v.Load(1); x != 9 {
		t.Fatalf("view.Load(1) = %d, want 9", x)
	}
	runtime.KeepAlive(v)
	v = nil
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		m.Store(1, -1)
		if n := chain(m, 1); n == 1 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("after the Views were collected, key 1 still has %d versions", n)
		}
		time.Sleep(time.Millisecond)
	}
	// Range releases its View at once.
	m.Range(func(int, int) bool { return true })
	if _, ok := m.views.oldest(); ok {
		t.Fatal("Range left its View registered")
	}
}

// TestBigLeaf exercises the leaves of more than leafMax entries (keys whose
// 64-bit hashes collide, which a test cannot make through the map).
func TestBigLeaf(t *testing.T) {
	hash := func(k int) uint64 { return uint64(k) << 57 } // tags 0x80|k
	var l *leaf[int, int]
	for k := range 12 {
		l = l.with(entry[int, int]{k, k * 10}, hash(k))
	}
	if l.n != bigN || len(l.entries()) != 12 {
		t.Fatalf("12 entries: n = %d, %d entries", l.n, len(l.entries()))
	}
	for k := range 12 {
		if i := l.index(k, tagOf(hash(k))); i < 0 || l.entries()[i].value != k*10 {
			t.Fatalf("index(%d) = %d", k, i)
		}
	}
	for k := 11; k >= 0; k-- {
		l = l.without(l.index(k, tagOf(hash(k))), hash)
		for j := range k {
			if i := l.index(j, tagOf(hash(j))); i < 0 || l.entries()[i].value != j*10 {
				t.Fatalf("after deleting %d..11: index(%d) = %d (n = %d)", k, j, i, l.n)
			}
		}
		if i := l.index(k, tagOf(hash(k))); i >= 0 {
			t.Fatalf("deleted key %d still found", k)
		}
	}
}
