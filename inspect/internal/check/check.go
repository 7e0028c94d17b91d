// Package check verifies a Layout against the map it came from, key by
// key, and builds the maps the property tests run over. It builds with gc
// and with gccgo (Go 1.18 language), so the same checks run in ordinary
// tests and in the gccgo probe program.
//
// The check is exact: every live key is hashed with the map's own hash
// function and seed (inspect.Locate) and must account for one full slot
// carrying its hash fragment, in the table (Swiss) or bucket chain
// (classic) the hash selects; no full slot may be left over. Keys that do
// not equal themselves (NaN) hash randomly, so they are only counted.
package check

import (
	"fmt"
	"reflect"

	"github.com/mapsafe/mapsafe/inspect"
)

// Layout inspects m and verifies the result against m's keys.
func Layout(m interface{}) (*inspect.Layout, error) {
	l, err := inspect.Inspect(m)
	if err != nil {
		return nil, err
	}
	if err := Verify(m, l); err != nil {
		return l, err
	}
	return l, nil
}

// slotKey identifies where a key's fragment must be found: a table (or
// bucket) and a fragment value.
type slotKey struct {
	where int // table index; for classic, bucket index (old buckets: -1-index)
	frag  uint8
}

// Verify checks l against the live keys of m.
func Verify(m interface{}, l *inspect.Layout) error {
	v := reflect.ValueOf(m)
	if l.Len != v.Len() {
		return fmt.Errorf("layout len %d, map len %d", l.Len, v.Len())
	}
	want := map[slotKey]int{}
	unlocated := 0
	it := v.MapRange()
	for it.Next() {
		k := it.Key().Interface()
		if !selfEqual(k) {
			unlocated++
			continue
		}
		loc, err := inspect.Locate(m, k)
		if err != nil {
			return err
		}
		switch {
		case loc.Swiss != nil:
			want[slotKey{loc.Swiss.Table, loc.Swiss.H2}]++
		case loc.Classic != nil:
			c := loc.Classic
			w := c.Bucket
			if c.OldBucket >= 0 && !l.Classic.OldBuckets[c.OldBucket].Evacuated {
				w = -1 - c.OldBucket
			}
			want[slotKey{w, uint8(c.TopHash)}]++
		}
	}
	got := map[slotKey]int{}
	switch {
	case l.Swiss != nil:
		s := l.Swiss
		if s.SmallGroup != nil {
			for _, c := range s.SmallGroup {
				if c.IsFull() {
					got[slotKey{-1, c.H2()}]++
				}
			}
		}
		for i, t := range s.Tables {
			if t.Groups == nil && t.Used > 0 {
				return fmt.Errorf("table %d: no control bytes (inspected with NoGroups)", i)
			}
			for _, g := range t.Groups {
				for _, c := range g {
					if c.IsFull() {
						got[slotKey{i, c.H2()}]++
					}
				}
			}
		}
	case l.Classic != nil:
		c := l.Classic
		add := func(bs []inspect.Bucket, where func(int) int, skipEvacuated bool) error {
			for i, b := range bs {
				if skipEvacuated && b.Evacuated {
					continue
				}
				if b.Chain == nil && b.Entries > 0 {
					return fmt.Errorf("bucket %d: no tophash arrays (inspected with NoGroups)", i)
				}
				for _, th := range b.Chain {
					for _, t := range th {
						if t.IsFull() {
							got[slotKey{where(i), uint8(t)}]++
						}
					}
				}
			}
			return nil
		}
		if err := add(c.Buckets, func(i int) int { return i }, false); err != nil {
			return err
		}
		if err := add(c.OldBuckets, func(i int) int { return -1 - i }, true); err != nil {
			return err
		}
	default:
		return fmt.Errorf("layout has neither a swiss nor a classic part")
	}
	extra := 0
	for k, n := range want {
		if got[k] < n {
			return fmt.Errorf("%d keys hash to %s but only %d full slots there carry fragment %#x", n, place(l, k.where), got[k], k.frag)
		}
		extra += got[k] - n
		delete(got, k)
	}
	for _, n := range got {
		extra += n
	}
	if extra != unlocated {
		return fmt.Errorf("%d full slots are not accounted for by a located key; %d keys (NaN) could not be located", extra, unlocated)
	}
	return nil
}

func place(l *inspect.Layout, where int) string {
	if l.Swiss != nil {
		if where < 0 {
			return "the small group"
		}
		return fmt.Sprintf("table %d", where)
	}
	if where < 0 {
		return fmt.Sprintf("old bucket %d", -1-where)
	}
	return fmt.Sprintf("bucket %d", where)
}

// selfEqual reports k == k (false for NaN, and for interfaces or arrays
// and structs holding one).
func selfEqual(k interface{}) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return equal(k, k)
}

func equal(a, b interface{}) bool { return a == b }
