package verify

import (
	"fmt"

	"github.com/mapsafe/mapsafe/classic"
	"github.com/mapsafe/mapsafe/classic/op"
	"github.com/mapsafe/mapsafe/classic/verify/record"
)

// diffRecords returns the differences between the real map's record and
// the model's, all figures compared (RealHash mode).
func diffRecords(real, model *record.Record) []string {
	var d []string
	add := func(name string, r, m any) {
		d = append(d, fmt.Sprintf("%s: real %v, model %v", name, r, m))
	}
	if real.Found != model.Found || real.Found && (real.Key != model.Key || real.Val != model.Val) {
		add("result (found key val)", fmt.Sprint(real.Found, real.Key, real.Val), fmt.Sprint(model.Found, model.Key, model.Val))
	}
	r, m := real.Map, model.Map
	if r.Count != m.Count {
		add("count", r.Count, m.Count)
	}
	if r.Flags != m.Flags {
		add("flags", r.Flags, m.Flags)
	}
	if r.B != m.B {
		add("B", r.B, m.B)
	}
	if r.Noverflow != m.Noverflow {
		add("noverflow", r.Noverflow, m.Noverflow)
	}
	if r.Growing != m.Growing {
		add("growing", r.Growing, m.Growing)
	}
	if r.SameSize != m.SameSize {
		add("sameSize", r.SameSize, m.SameSize)
	}
	if r.Nevacuate != m.Nevacuate {
		add("nevacuate", r.Nevacuate, m.Nevacuate)
	}
	if r.Free != m.Free {
		add("free preallocated overflow buckets", r.Free, m.Free)
	}
	diffChains := func(name string, rc, mc []string) {
		if len(rc) != len(mc) {
			add(name+" length", len(rc), len(mc))
			return
		}
		for i := range rc {
			if rc[i] != mc[i] {
				add(fmt.Sprintf("%s[%d] tophash", name, i), rc[i], mc[i])
				return
			}
		}
	}
	diffChains("buckets", r.Buckets, m.Buckets)
	diffChains("oldbuckets", r.Old, m.Old)
	switch {
	case (real.Iter == nil) != (model.Iter == nil):
		add("iterator open", real.Iter != nil, model.Iter != nil)
	case real.Iter != nil && *real.Iter != *model.Iter:
		add("iterator", fmt.Sprintf("%+v", *real.Iter), fmt.Sprintf("%+v", *model.Iter))
	}
	return d
}

// postponed reports whether operation i on one side was a new key that
// should have doubled the map but did not, because a grow (necessarily a
// same-size one: a doubling grow ends long before the next threshold) was
// still in progress after the operation's own growWork. The runtime then
// doubles at the first new key after that grow ends, or never, if the
// count falls back first. Same-size grows depend on the hash, so from that
// operation on B is hash-dependent for this map.
func postponed(o op.Op, prev, cur *record.Map) bool {
	return o.Kind == op.Insert && cur.Count == prev.Count+1 &&
		classic.OverLoadFactor(prev.Count+1, prev.B) && cur.B == prev.B
}

// independent compares the real map with the own-hash model on what does
// not depend on the hash: count after every operation; B after every
// operation and the operations at which doubling grows start, as long as
// neither side has postponed a doubling since the map was made.
type independent struct {
	comparable   bool // B still hash-independent for the current map
	realDoubling []int
	ownDoubling  []int
	Mismatches   int
	Excluded     int // operations whose B was not compared
	PostponedRe  int // doublings postponed on the real map
	PostponedOwn int // ... and on the own-hash model
	details      []string
}

func (c *independent) step(i int, o op.Op, prevReal, real, prevOwn, own *record.Map) {
	if o.Kind == op.Make {
		c.comparable = true
		return
	}
	if real.Count != own.Count {
		c.Mismatches++
		c.details = append(c.details, fmt.Sprintf("operation %d (%v): count: real %d, model %d", i, o, real.Count, own.Count))
	}
	pr, po := postponed(o, prevReal, real), postponed(o, prevOwn, own)
	if pr {
		c.PostponedRe++
	}
	if po {
		c.PostponedOwn++
	}
	if pr || po {
		c.comparable = false
	}
	if !c.comparable {
		c.Excluded++
		return
	}
	if real.B != own.B {
		c.Mismatches++
		c.details = append(c.details, fmt.Sprintf("operation %d (%v): B: real %d, model %d", i, o, real.B, own.B))
	}
	if real.B > prevReal.B {
		c.realDoubling = append(c.realDoubling, i)
	}
	if own.B > prevOwn.B {
		c.ownDoubling = append(c.ownDoubling, i)
	}
}

// growths lists the operations at which a grow started, from a side's
// records: B went up (doubling), or growing became true, or a grow in
// progress was replaced by a new one within one operation (nevacuate went
// back). A new map (op.Make) starts over. A same-size grow that starts and
// ends within one write (two old buckets) leaves no trace in the records;
// SeedResult counts same-size grows from the model's events instead.
type growth struct {
	Op       int
	SameSize bool
}

func growths(ops []op.Op, recs []record.Record) []growth {
	var g []growth
	var prev record.Map
	for i, r := range recs {
		m := r.Map
		switch {
		case ops[i].Kind == op.Make:
		case m.B > prev.B:
			g = append(g, growth{Op: i})
		case m.Growing && (!prev.Growing || m.Nevacuate < prev.Nevacuate):
			g = append(g, growth{Op: i, SameSize: m.SameSize})
		}
		prev = m
	}
	return g
}

func doublingOps(g []growth) []int {
	var ops []int
	for _, x := range g {
		if !x.SameSize {
			ops = append(ops, x.Op)
		}
	}
	return ops
}
