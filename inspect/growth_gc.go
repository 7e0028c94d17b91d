//go:build gc

package inspect

import (
	"fmt"
	"reflect"
	"unsafe"
)

// snapTable is one table of a snapshot. t keeps the table alive, so its
// address cannot be reused by a later table while the snapshot exists.
type snapTable struct {
	t          *swissTable
	capacity   int
	localDepth uint8
	index      int
}

type snapshot struct {
	h           *swissMap
	used        uint64
	small       bool
	globalDepth uint8
	// dir has, for each directory entry, the table covering it; a table
	// appears at every entry it covers (tables lists each once).
	dir []snapTable
}

// tables lists the snapshot's tables once each, in directory order.
func (s *snapshot) tables() []snapTable {
	var ts []snapTable
	for i := 0; i < len(s.dir); i += 1 << (s.globalDepth - s.dir[i].localDepth) {
		ts = append(ts, s.dir[i])
	}
	return ts
}

func takeSnapshot(m any, rt reflect.Type) (snapshot, error) {
	mt, h := fromEface(m)
	if err := checkMapType(rt, mt); err != nil {
		return snapshot{}, err
	}
	s := snapshot{h: h, small: true}
	if h == nil {
		return s, nil
	}
	if h.writing != 0 {
		return s, fmt.Errorf("%s: the map is being written (Map.writing is set)", rt)
	}
	s.used = h.used
	if h.dirLen == 0 {
		return s, nil
	}
	s.small = false
	s.globalDepth = h.globalDepth
	if h.dirLen < 0 || h.globalDepth > maxGlobalDepth || h.dirLen != 1<<h.globalDepth || h.dirPtr == nil {
		return s, fmt.Errorf("%s: directory length %d does not match global depth %d", rt, h.dirLen, h.globalDepth)
	}
	s.dir = make([]snapTable, h.dirLen)
	if err := readDir(h, s.dir, 0, h.dirLen); err != nil {
		return s, fmt.Errorf("%s: %v", rt, err)
	}
	return s, nil
}

// readDir reads the tables of directory entries [from, to), which must
// start and end at table boundaries, into dst[from:to].
func readDir(h *swissMap, dst []snapTable, from, to int) error {
	dir := unsafe.Slice((**swissTable)(h.dirPtr), h.dirLen)
	for i := from; i < to; {
		t := dir[i]
		if t == nil || t.index != i || t.localDepth > h.globalDepth {
			return fmt.Errorf("directory entry %d does not hold a table starting there", i)
		}
		c := int(t.capacity)
		if c < groupSlots || c > maxTableCapacity || c&(c-1) != 0 {
			return fmt.Errorf("table at directory entry %d has capacity %d", i, c)
		}
		st := snapTable{t: t, capacity: c, localDepth: t.localDepth, index: i}
		next := i + 1<<(h.globalDepth-t.localDepth)
		if next > to {
			return fmt.Errorf("the table at directory entry %d reaches past entry %d", i, to)
		}
		for ; i < next; i++ {
			dst[i] = st
		}
	}
	return nil
}

// stepKey compares only the table that kv's hash selects with the one the
// previous step saw there (see StepKey), and replaces it in the snapshot
// with its descendants; anything else goes to a full step.
func (t *Tracer) stepKey(kv reflect.Value) error {
	mt, h := fromEface(t.m)
	p := &t.prev
	switch {
	case h != p.h || h == nil || h.writing != 0 || h.used > p.used+1:
		return t.step(true)
	case p.small && h.dirLen == 0: // a small map only grows into a table
		p.used = h.used
		t.record(true, nil, 0, true)
		return nil
	case p.small || h.dirLen != 1<<p.globalDepth || h.globalDepth != p.globalDepth || h.dirPtr == nil:
		return t.step(true)
	}
	hash := mt.Hasher(kv.UnsafePointer(), h.seed)
	d := 0
	if h.globalDepth > 0 {
		d = int(hash >> h.globalShift)
	}
	at := p.dir[d]
	p.used = h.used
	if unsafe.Slice((**swissTable)(h.dirPtr), h.dirLen)[d] == at.t {
		t.record(true, nil, 0, true)
		return nil
	}
	from, to := at.index, at.index+1<<(h.globalDepth-at.localDepth)
	if err := readDir(h, p.dir, from, to); err != nil {
		return fmt.Errorf("inspect: %s: %v", t.rt, err)
	}
	var desc []snapTable
	for i := from; i < to; i += 1 << (h.globalDepth - p.dir[i].localDepth) {
		desc = append(desc, p.dir[i])
	}
	events, err := descend(at, desc)
	if err != nil {
		return fmt.Errorf("inspect: %s: %v", t.rt, err)
	}
	t.record(true, events, 0, true)
	return nil
}

// diffSnapshots names the growth between a and b (see growth.go). Swiss
// counts are always exact.
func diffSnapshots(a, b snapshot, stepped bool) (events []Growth, dirDoublings int, exact bool, err error) {
	if a.h != b.h {
		return nil, 0, false, fmt.Errorf("the map header changed")
	}
	if b.small {
		if !a.small {
			return nil, 0, false, fmt.Errorf("the map went back to small mode")
		}
		return nil, 0, true, nil
	}
	anc := a.tables()
	bt := b.tables()
	gdA := a.globalDepth
	if a.small {
		events = append(events, Growth{Kind: GrowSmallToTable, From: groupSlots, To: 2 * groupSlots})
		anc = []snapTable{{capacity: 2 * groupSlots}}
		gdA = 0
	}
	gdB := b.globalDepth
	if gdB < gdA {
		return nil, 0, false, fmt.Errorf("the directory shrank from depth %d to %d", gdA, gdB)
	}
	// Compare prefix ranges in units of 2^-gdB of the hash space.
	j := 0
	for _, at := range anc {
		start := at.index << (gdB - gdA)
		width := 1 << (gdB - at.localDepth)
		var desc []snapTable
		covered := 0
		for j < len(bt) && bt[j].index < start+width {
			d := bt[j]
			if d.index != start+covered || d.localDepth < at.localDepth {
				return nil, 0, false, fmt.Errorf("table at directory entry %d does not descend from one table", d.index)
			}
			covered += 1 << (gdB - d.localDepth)
			desc = append(desc, d)
			j++
		}
		if covered != width {
			return nil, 0, false, fmt.Errorf("tables after do not cover the table at directory entry %d", at.index)
		}
		ev, err := descend(at, desc)
		if err != nil {
			return nil, 0, false, err
		}
		events = append(events, ev...)
	}
	if j != len(bt) {
		return nil, 0, false, fmt.Errorf("tables after the directory's old range")
	}
	return events, int(gdB - gdA), true, nil
}

// descend names the growth from table at to the tables desc that now cover
// its part of the directory: doublings up to the largest capacity, and a
// split for each table beyond the first. None if at is still there.
func descend(at snapTable, desc []snapTable) ([]Growth, error) {
	if len(desc) == 1 && desc[0].t == at.t {
		return nil, nil // untouched
	}
	var events []Growth
	splits := len(desc) - 1
	top := desc[0].capacity
	if splits > 0 {
		top = maxTableCapacity
		for _, d := range desc {
			if d.capacity != maxTableCapacity {
				return nil, fmt.Errorf("a split produced a %d-slot table", d.capacity)
			}
		}
	}
	c := at.capacity
	if top < c {
		return nil, fmt.Errorf("a table shrank from %d to %d slots", c, top)
	}
	for ; c < top; c *= 2 {
		events = append(events, Growth{Kind: GrowDouble, From: c, To: 2 * c})
	}
	for i := 0; i < splits; i++ {
		events = append(events, Growth{Kind: GrowSplit, From: maxTableCapacity, To: 2 * maxTableCapacity})
	}
	if splits == 0 && at.capacity == top && at.t != nil {
		return nil, fmt.Errorf("the table at directory entry %d was replaced without growing", at.index)
	}
	return events, nil
}
