package viz

import (
	"encoding/hex"
	"fmt"
	"reflect"

	"github.com/mapsafe/mapsafe/inspect"
)

// SwissScenario fills a real map[int]int of this process (gc's Swiss
// table map) and reads its layout with the inspector after every
// operation: small mode, table growth by doubling, the split into two
// 1024-slot tables, tombstones from deletes, and an iterator's position.
// On a runtime the inspector has not mirrored, the scenario carries the
// inspector's error instead of frames.
func SwissScenario() *Scenario {
	sc := &Scenario{ID: "swiss", Title: "Real Swiss map (this process)", Kind: "swiss",
		Description: "A real map[int]int of the running Go program, read with the inspector after each operation: 8 keys in one " +
			"group without a table, then a table that doubles (capacity 16, 32, ... 1024) and, past 896 keys, splits into two " +
			"tables under a directory. Deletes leave tombstones (deleted) or empty slots. An iterator walks it at the end."}
	frames, err := swissFrames(960, 160)
	if err != nil {
		sc.Error = err.Error()
		return sc
	}
	sc.Swiss = frames
	// Open on the split into two tables under a directory.
	for i, f := range frames {
		if len(f.Tables) > 1 {
			sc.Start = i
			break
		}
	}
	return sc
}

func swissFrames(inserts, deletes int) ([]SwissFrame, error) {
	m := map[int]int{}
	var frames []SwissFrame
	var it *reflect.MapIter
	iterDone := false
	add := func(op int, text string) error {
		lay, err := inspect.Inspect(m)
		if err != nil {
			return err
		}
		if lay.Swiss == nil {
			return fmt.Errorf("the inspector read a %s map, not a Swiss table", lay.Impl)
		}
		f := swissFrame(lay.Swiss)
		f.Op, f.OpText = op, text
		if it != nil {
			c, err := swissCursor(it, lay.Swiss, iterDone)
			if err != nil {
				return err
			}
			f.Iter = c
		}
		var prev *SwissFrame
		if len(frames) > 0 {
			prev = &frames[len(frames)-1]
		}
		f.Event = swissChange(prev, &f)
		f.Focus = swissFocus(prev, &f)
		frames = append(frames, f)
		return nil
	}
	op := 0
	for i := 0; i < inserts; i++ {
		m[i] = i
		op++
		if err := add(op, fmt.Sprintf("m[%d] = %d", i, i)); err != nil {
			return nil, err
		}
	}
	for i := 0; i < deletes; i++ {
		k := i * 5 % inserts
		delete(m, k)
		op++
		if err := add(op, fmt.Sprintf("delete(m, %d)", k)); err != nil {
			return nil, err
		}
	}
	it = reflect.ValueOf(m).MapRange()
	for i := 0; i < 24 && !iterDone; i++ {
		iterDone = !it.Next()
		op++
		text := "next key of the iterator"
		if i == 0 {
			text = "for k := range m  // first key"
		}
		if !iterDone {
			text += fmt.Sprintf(": %d", it.Key().Int())
		}
		if err := add(op, text); err != nil {
			return nil, err
		}
	}
	return frames, nil
}

func swissFrame(s *inspect.SwissLayout) SwissFrame {
	f := SwissFrame{Used: int(s.Used), Small: s.Small, DirLen: s.DirLen, GlobalDepth: int(s.GlobalDepth), Directory: s.Directory}
	if s.SmallGroup != nil {
		f.SmallGroup = groupsHex([]inspect.Group{*s.SmallGroup})
	}
	for _, t := range s.Tables {
		f.Tables = append(f.Tables, STable{Index: t.Index, LocalDepth: int(t.LocalDepth), Capacity: t.Capacity, Used: t.Used,
			GrowthLeft: t.GrowthLeft, Tombstones: t.Tombstones, Ctrl: groupsHex(t.Groups)})
	}
	return f
}

func groupsHex(gs []inspect.Group) string {
	b := make([]byte, 0, 8*len(gs))
	for _, g := range gs {
		for _, c := range g {
			b = append(b, byte(c))
		}
	}
	return hex.EncodeToString(b)
}

// swissCursor places the iterator on the slot it returned last. The
// runtime's Iter does not keep that slot: entryIdx (before its random
// entryOffset is added) is where it resumes, one past the returned slot or,
// after a group match, at the next full slot or group. Every slot between
// the returned one and the resume point is not full, so the returned slot
// is the nearest full slot before the resume point in iteration order.
// TestSwissCursorPointsAtReturnedKey checks it holds the returned key.
func swissCursor(it *reflect.MapIter, s *inspect.SwissLayout, done bool) (*SwissCursor, error) {
	st, err := inspect.Iter(it)
	if err != nil {
		return nil, err
	}
	c := &SwissCursor{Done: done, Table: -1, Slot: -1}
	si := st.Swiss
	if si == nil || done {
		return c, nil
	}
	var ctrl func(pos uint64) inspect.Ctrl
	var size uint64
	switch {
	case si.Small:
		if s.SmallGroup == nil {
			return c, nil
		}
		c.Small = true
		size = 8
		ctrl = func(pos uint64) inspect.Ctrl { return s.SmallGroup[pos] }
	case si.HasTable:
		c.Stale = si.TableIndex < 0 || !si.TableInDirectory
		for i, t := range s.Tables {
			if t.Index == si.TableIndex && t.Capacity == si.TableCapacity {
				c.Table = i
			}
		}
		if c.Table < 0 || c.Stale {
			return c, nil // the table the iterator walks is not drawn
		}
		groups := s.Tables[c.Table].Groups
		size = uint64(si.TableCapacity)
		ctrl = func(pos uint64) inspect.Ctrl { return groups[pos/8][pos%8] }
	default:
		return c, nil
	}
	for back := uint64(1); back <= si.EntryIdx && back <= size; back++ {
		pos := (si.EntryIdx - back + si.EntryOffset) % size
		if ctrl(pos).IsFull() {
			c.Slot = int(pos)
			break
		}
	}
	return c, nil
}

// swissFocus finds what an operation changed: the tables that replaced
// others (a table left small mode, grew or split), or else the one slot
// whose control byte changed; nil if nothing did.
func swissFocus(prev, cur *SwissFrame) *SwissFocus {
	if prev == nil {
		prev = &SwissFrame{Small: true}
	}
	if cur.Small {
		if s := firstDiff(prev.SmallGroup, cur.SmallGroup); s >= 0 {
			return &SwissFocus{Table: -1, Slot: s}
		}
		return nil
	}
	type shape struct{ index, capacity, depth int }
	before := map[shape]bool{}
	for _, t := range prev.Tables {
		before[shape{t.Index, t.Capacity, t.LocalDepth}] = true
	}
	var fresh []int
	for i, t := range cur.Tables {
		if prev.Small || !before[shape{t.Index, t.Capacity, t.LocalDepth}] {
			fresh = append(fresh, i)
		}
	}
	if len(fresh) > 0 {
		return &SwissFocus{Table: fresh[0], Slot: -1, Tables: fresh}
	}
	for i, t := range cur.Tables {
		if i >= len(prev.Tables) {
			break
		}
		if s := firstDiff(prev.Tables[i].Ctrl, t.Ctrl); s >= 0 {
			return &SwissFocus{Table: i, Slot: s}
		}
	}
	return nil
}

// firstDiff is the first slot whose control byte differs between two
// groups' hex (a missing group is all empty), or -1.
func firstDiff(a, b string) int {
	for i := 0; i < max(len(a), len(b)); i += 2 {
		if ctrlAt(a, i) != ctrlAt(b, i) {
			return i / 2
		}
	}
	return -1
}

func ctrlAt(hex string, i int) string {
	if i+2 > len(hex) {
		return "80" // empty
	}
	return hex[i : i+2]
}

// swissChange names what an operation changed in the layout.
func swissChange(prev, cur *SwissFrame) string {
	switch {
	case prev == nil:
		return "small map: one group of 8 slots, no table"
	case prev.Small && !cur.Small:
		return fmt.Sprintf("left small mode: one table of capacity %d", cur.Tables[0].Capacity)
	case len(cur.Tables) > len(prev.Tables):
		return fmt.Sprintf("a table split: %d tables, directory of %d (global depth %d)", len(cur.Tables), cur.DirLen, cur.GlobalDepth)
	}
	for i := range cur.Tables {
		if i < len(prev.Tables) && cur.Tables[i].Capacity != prev.Tables[i].Capacity {
			return fmt.Sprintf("table %d grew: capacity %d -> %d", i, prev.Tables[i].Capacity, cur.Tables[i].Capacity)
		}
	}
	switch {
	case cur.Used > prev.Used:
		return "one more slot full"
	case cur.Used < prev.Used:
		tomb := func(f *SwissFrame) int {
			n := 0
			for _, t := range f.Tables {
				n += t.Tombstones
			}
			return n
		}
		if tomb(cur) > tomb(prev) {
			return "slot marked deleted (a tombstone: its group was full, so probes must go on past it)"
		}
		return "slot marked empty (its group had an empty slot, so no probe can pass it)"
	}
	return "layout unchanged"
}
