package cmap

import (
	"flag"
	"slices"
	"testing"
	"time"

	"github.com/puzpuzpuz/xsync/v4"
)

var paired = flag.Int("cmap.paired", 0, "measure Snapshot's Load against xsync's at this many keys (TestPairedLoad)")

// TestPairedLoad is a measurement, not a check, and runs only with
// -cmap.paired=N: it looks up the same 2^20 random keys in a Snapshot map
// and in an xsync.Map of N int keys, alternately, 15 times, and logs the
// median of the 15 ratios. Alternating within a second cancels most of a
// shared machine's drift. It chose the Snapshot design (snapshot.go,
// docs/cmap.md) and runs unchanged on the earlier trie (commit f05509b).
func TestPairedLoad(t *testing.T) {
	n := *paired
	if n == 0 {
		t.Skip("a measurement: run with -cmap.paired=N")
	}
	s, x := NewSnapshot[int, int](), xsync.NewMap[int, int]()
	for i := range n {
		s.Store(i, i)
		x.Store(i, i)
	}
	keys := make([]int, 1<<20)
	r := uint64(88172645463325252)
	for i := range keys {
		r ^= r << 13
		r ^= r >> 7
		r ^= r << 17
		keys[i] = int(r % uint64(n))
	}
	var ratios, sn, xn []float64
	for range 15 {
		t0 := time.Now()
		for _, k := range keys {
			s.Load(k)
		}
		t1 := time.Now()
		for _, k := range keys {
			x.Load(k)
		}
		t2 := time.Now()
		a, b := float64(t1.Sub(t0))/float64(len(keys)), float64(t2.Sub(t1))/float64(len(keys))
		sn, xn, ratios = append(sn, a), append(xn, b), append(ratios, a/b)
	}
	slices.Sort(ratios)
	slices.Sort(sn)
	slices.Sort(xn)
	t.Logf("n=%d: Snapshot %.1f ns, xsync %.1f ns (medians), median ratio %.2f", n, sn[7], xn[7], ratios[7])
}
