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
	small       bool
	globalDepth uint8
	tables      []snapTable
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
	if h.dirLen == 0 {
		return s, nil
	}
	s.small = false
	s.globalDepth = h.globalDepth
	if h.dirLen < 0 || h.globalDepth > maxGlobalDepth || h.dirLen != 1<<h.globalDepth || h.dirPtr == nil {
		return s, fmt.Errorf("%s: directory length %d does not match global depth %d", rt, h.dirLen, h.globalDepth)
	}
	dir := unsafe.Slice((**swissTable)(h.dirPtr), h.dirLen)
	for i := 0; i < len(dir); {
		t := dir[i]
		if t == nil || t.index != i || t.localDepth > h.globalDepth {
			return s, fmt.Errorf("%s: directory entry %d does not hold a table starting there", rt, i)
		}
		c := int(t.capacity)
		if c < groupSlots || c > maxTableCapacity || c&(c-1) != 0 {
			return s, fmt.Errorf("%s: table at directory entry %d has capacity %d", rt, i, c)
		}
		s.tables = append(s.tables, snapTable{t: t, capacity: c, localDepth: t.localDepth, index: i})
		i += 1 << (h.globalDepth - t.localDepth)
	}
	return s, nil
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
	anc := a.tables
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
		for j < len(b.tables) && b.tables[j].index < start+width {
			bt := b.tables[j]
			if bt.index != start+covered || bt.localDepth < at.localDepth {
				return nil, 0, false, fmt.Errorf("table at directory entry %d does not descend from one table", bt.index)
			}
			covered += 1 << (gdB - bt.localDepth)
			desc = append(desc, bt)
			j++
		}
		if covered != width {
			return nil, 0, false, fmt.Errorf("tables after do not cover the table at directory entry %d", at.index)
		}
		if len(desc) == 1 && desc[0].t == at.t {
			continue // untouched
		}
		splits := len(desc) - 1
		top := desc[0].capacity
		if splits > 0 {
			top = maxTableCapacity
			for _, d := range desc {
				if d.capacity != maxTableCapacity {
					return nil, 0, false, fmt.Errorf("a split produced a %d-slot table", d.capacity)
				}
			}
		}
		c := at.capacity
		if top < c {
			return nil, 0, false, fmt.Errorf("a table shrank from %d to %d slots", c, top)
		}
		for ; c < top; c *= 2 {
			events = append(events, Growth{Kind: GrowDouble, From: c, To: 2 * c})
		}
		for i := 0; i < splits; i++ {
			events = append(events, Growth{Kind: GrowSplit, From: maxTableCapacity, To: 2 * maxTableCapacity})
		}
		if splits == 0 && at.capacity == top && at.t != nil {
			return nil, 0, false, fmt.Errorf("the table at directory entry %d was replaced without growing", at.index)
		}
	}
	if j != len(b.tables) {
		return nil, 0, false, fmt.Errorf("tables after the directory's old range")
	}
	return events, int(gdB - gdA), true, nil
}
