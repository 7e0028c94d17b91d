//go:build gccgo

package inspect

import (
	"fmt"
	"reflect"
	"unsafe"
)

// snapshot keeps the bucket arrays alive, so their addresses cannot be
// reused by a later array while the snapshot exists.
type snapshot struct {
	h          *hmap
	B          uint8
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
}

func takeSnapshot(m interface{}, rt reflect.Type) (snapshot, error) {
	mt, h := fromEface(m)
	if err := checkMapType(rt, mt); err != nil {
		return snapshot{}, err
	}
	s := snapshot{h: h}
	if h == nil {
		return s, nil
	}
	if h.flags&flagHashWriting != 0 {
		return s, fmt.Errorf("%s: the map is being written (hashWriting is set)", rt)
	}
	if h.B > maxB {
		return s, fmt.Errorf("%s: hmap.B is %d", rt, h.B)
	}
	s.B, s.buckets, s.oldbuckets = h.B, h.buckets, h.oldbuckets
	return s, nil
}

// diffSnapshots names the growth between a and b (see growth.go).
func diffSnapshots(a, b snapshot, stepped bool) (events []Growth, dirDoublings int, exact bool, err error) {
	if a.h != b.h {
		return nil, 0, false, fmt.Errorf("the map header changed")
	}
	if b.B < a.B {
		return nil, 0, false, fmt.Errorf("B shrank from %d to %d", a.B, b.B)
	}
	for B := a.B; B < b.B; B++ {
		events = append(events, Growth{Kind: GrowBuckets, From: 1 << B, To: 1 << (B + 1)})
	}
	changed := a.buckets != b.buckets
	if changed && a.buckets != nil && a.B == b.B {
		events = append(events, Growth{Kind: GrowSameSize, From: 1 << b.B, To: 1 << b.B})
	}
	// One write starts at most one grow, so a stepped tracer sees each;
	// a single comparison may hide same-size grows.
	exact = !changed || (stepped && len(events) <= 1)
	return events, 0, exact, nil
}

// stepKey is Step: a classic snapshot (the header) costs the same whatever
// the map's size.
func (t *Tracer) stepKey(reflect.Value) error { return t.step(true) }
