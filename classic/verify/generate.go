package verify

import (
	"math/rand/v2"

	"github.com/mapsafe/mapsafe/classic/op"
)

// Generate returns n operations drawn from seed. The mix is built to reach
// every path of the classic map: fills past the growth points, drains to
// empty (which reseeds the hash), new maps (so B starts over), steady-size churn of deletes and fresh
// inserts (which piles up overflow buckets until a same-size grow), clears,
// lookups, and iterations that insert, delete and update while they run,
// so that iterators start before, during and after grows.
//
// Keys are chosen from the generator's own record of the map's contents,
// never from an iteration's order, so the same operations mean the same
// thing on any map whatever its hash function.
func Generate(seed uint64, n int) []op.Op {
	g := &gen{r: rand.New(rand.NewPCG(seed, 0x6d617073)), live: map[int]bool{}, maxB: uint8(3 + seed%3)}
	for len(g.ops) < n {
		g.phase(n - len(g.ops))
	}
	return g.ops[:n]
}

type gen struct {
	r    *rand.Rand
	ops  []op.Op
	live map[int]bool
	keys []int // live keys, in insertion order with holes removed lazily
	next int   // next fresh key
	// b follows the map's B by the hash-independent rule (a fresh key
	// over the load factor doubles), ignoring the rare doubling a
	// same-size grow in progress postpones. It only steers the mix.
	b uint8
	// maxB bounds the map's size (3..5 depending on the seed): small maps
	// reach same-size grows and grows in progress within a few thousand
	// operations.
	maxB uint8
}

// threshold is the largest count a map with 2^B buckets holds without
// growing (count <= 8 and <= 13*2^(B-1)): inserting one more fresh key
// starts a doubling grow, and churn at this size piles up overflow buckets.
func threshold(b uint8) int {
	if b == 0 {
		return 8
	}
	return 13 << (b - 1)
}

// hints are the size hints of new maps: none, and hints just under and
// over growth points, up to B=7 (with preallocated overflow buckets).
var hints = []int{0, 0, 0, 8, 9, 13, 14, 27, 52, 53, 104, 105, 400, 833}

func (g *gen) phase(budget int) {
	switch x := g.r.IntN(100); {
	case x < 15: // fill across the next growth point, up to maxB
		if g.b < g.maxB {
			g.fill(threshold(g.b)+1+g.r.IntN(3), budget)
		} else {
			g.fill(threshold(g.maxB)-g.r.IntN(8), budget)
		}
	case x < 38: // steady-size churn just under the current B's threshold
		target := threshold(g.b) - g.r.IntN(3)
		g.fill(target, budget)
		g.drain(target, budget)
		g.churn(min(budget, 200+g.r.IntN(800)))
	case x < 42:
		g.drain(g.r.IntN(max(1, len(g.live)/2)), budget)
	case x < 46: // a new map, sometimes with a size hint: B starts again
		hint := hints[g.r.IntN(len(hints))]
		g.add(op.Op{Kind: op.Make, Key: hint})
		clear(g.live)
		g.keys = g.keys[:0]
		for g.b = 0; threshold(g.b) < hint; g.b++ {
		}
	case x < 48:
		g.add(op.Op{Kind: op.Clear})
		clear(g.live)
		g.keys = g.keys[:0]
	case x < 70: // start a doubling grow, then iterate while it is in progress
		if g.b < g.maxB {
			g.fill(threshold(g.b), budget)
			g.insertFresh()
		}
		g.iterate(budget)
	case x < 88:
		g.iterate(budget)
	default:
		for range min(budget, 1+g.r.IntN(30)) {
			g.misc()
		}
	}
}

func (g *gen) add(o op.Op) { g.ops = append(g.ops, o) }

func (g *gen) insertFresh() {
	k := g.next
	g.next++
	if len(g.live)+1 > threshold(g.b) {
		g.b++
	}
	g.add(op.Op{Kind: op.Insert, Key: k, Val: g.r.IntN(1000)})
	g.live[k] = true
	g.keys = append(g.keys, k)
}

// randomLive returns a live key, or -1 if the map is empty.
func (g *gen) randomLive() int {
	for len(g.keys) > 0 {
		i := g.r.IntN(len(g.keys))
		k := g.keys[i]
		if g.live[k] {
			return k
		}
		g.keys[i] = g.keys[len(g.keys)-1]
		g.keys = g.keys[:len(g.keys)-1]
	}
	return -1
}

func (g *gen) deleteLive() {
	k := g.randomLive()
	if k < 0 {
		g.add(op.Op{Kind: op.Delete, Key: g.next + 1000})
		return
	}
	g.add(op.Op{Kind: op.Delete, Key: k})
	delete(g.live, k)
}

func (g *gen) fill(target, budget int) {
	for n := 0; len(g.live) < target && n < budget; n++ {
		g.insertFresh()
	}
}

func (g *gen) drain(target, budget int) {
	for n := 0; len(g.live) > target && n < budget; n++ {
		g.deleteLive()
	}
}

func (g *gen) churn(ops int) {
	for n := 0; n+1 < ops; n += 2 {
		g.deleteLive()
		g.insertFresh()
	}
}

// misc is an update, a lookup (present or not) or a delete of an absent key.
func (g *gen) misc() {
	switch g.r.IntN(4) {
	case 0:
		if k := g.randomLive(); k >= 0 {
			g.add(op.Op{Kind: op.Insert, Key: k, Val: g.r.IntN(1000)})
			return
		}
		g.insertFresh()
	case 1:
		g.add(op.Op{Kind: op.Lookup, Key: g.randomLive()})
	case 2:
		g.add(op.Op{Kind: op.Lookup, Key: g.next + g.r.IntN(50)})
	default:
		g.add(op.Op{Kind: op.Delete, Key: g.next + g.r.IntN(50)})
	}
}

// iterate starts an iteration and mixes next steps with writes: enough
// steps to exhaust it most of the time, sometimes abandoned early.
func (g *gen) iterate(budget int) {
	g.add(op.Op{Kind: op.IterStart})
	steps := len(g.live) + 2
	if g.r.IntN(4) == 0 {
		steps = g.r.IntN(steps)
	}
	writes := g.r.IntN(3) // 0: read-only, 1: some writes, 2: many writes
	for n := 0; n < steps && n < budget; n++ {
		if writes > 0 && g.r.IntN(5-2*writes+1) == 0 {
			switch x := g.r.IntN(10); {
			case x < 5 && len(g.live) < threshold(g.maxB):
				g.insertFresh()
			case x < 5:
				g.deleteLive()
			case x < 8:
				g.deleteLive()
			case x < 9:
				g.misc()
			default:
				if g.r.IntN(20) == 0 {
					g.add(op.Op{Kind: op.Clear})
					clear(g.live)
					g.keys = g.keys[:0]
				} else {
					g.insertFresh()
				}
			}
			continue
		}
		g.add(op.Op{Kind: op.IterNext})
	}
	g.add(op.Op{Kind: op.IterEnd})
}
