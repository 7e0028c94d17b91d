package inspect_test

import (
	"encoding/binary"
	"math"
	"reflect"
	"testing"

	"github.com/mapsafe/mapsafe/inspect"
	"github.com/mapsafe/mapsafe/inspect/internal/check"
)

// FuzzOps runs a byte-coded sequence of map operations (insert, delete,
// clear, overwrite, insert or delete during a range) on maps of three key
// types, checking the layout key by key after every few operations and
// the growth a stepped Tracer reports against the structure it sees. The
// seed corpus runs as an ordinary test; `go test -fuzz FuzzOps
// ./inspect` explores further.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add(append(make([]byte, 0, 600), repeat(0x10, 600)...))
	f.Add([]byte{0x40, 0x41, 0x42, 0xc0, 0x80, 0x81, 0x82, 0xe0, 0x43})
	f.Add(repeat(0x55, 300))
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 2000 {
			ops = ops[:2000]
		}
		ints := map[uint16]uint32{}
		strs := map[string][3]int{}
		floats := map[float64]bool{}
		tr, err := inspect.NewTracer(ints)
		if err != nil {
			t.Fatal(err)
		}
		for i, op := range ops {
			k := uint16(op&0x3f) | uint16(i)<<6
			switch op >> 6 {
			case 0: // insert a fresh key
				ints[k] = uint32(i)
				strs[string(binary.LittleEndian.AppendUint16(nil, k))] = [3]int{i}
				floats[float64(k)/7] = true
			case 1: // delete some key
				for kk := range ints {
					if kk%4 == uint16(op&3) {
						delete(ints, kk)
						break
					}
				}
				for kk := range strs {
					delete(strs, kk)
					break
				}
				floats[math.NaN()] = true
			case 2: // overwrite, or clear
				if op&0x3f == 0 {
					clear(ints)
					clear(strs)
					clear(floats)
				} else {
					for kk := range ints {
						ints[kk]++
					}
				}
			case 3: // write during a range
				n := 0
				for kk := range ints {
					if n++; n > int(op&7) {
						break
					}
					delete(ints, kk)
					ints[kk^0x8000] = 1
				}
			}
			if err := tr.Step(); err != nil {
				t.Fatalf("op %d: %v", i, err)
			}
			if i%37 == 0 || i == len(ops)-1 {
				for _, m := range []any{ints, strs, floats} {
					if _, err := check.Layout(m); err != nil {
						t.Fatalf("op %d, %s: %v", i, reflect.TypeOf(m), err)
					}
				}
			}
		}
		// Every growth the tracer saw left a mark in the structure: the
		// doublings and splits it counted rebuild the current tables.
		l, err := inspect.Inspect(ints)
		if err != nil {
			t.Fatal(err)
		}
		rep := tr.Report()
		if !rep.Exact {
			t.Error("a stepped Swiss tracer must be exact")
		}
		k := rep.ByKind()
		if l.Swiss.Small {
			if rep.Count() != 0 {
				t.Errorf("small map, but growth seen: %v", rep.Events)
			}
			return
		}
		if k[inspect.GrowSmallToTable] != 1 || k[inspect.GrowSplit] != len(l.Swiss.Tables)-1 || rep.DirectoryDoublings != int(l.Swiss.GlobalDepth) {
			t.Errorf("growth %v (directory doublings %d) does not explain %d tables at depth %d", k, rep.DirectoryDoublings, len(l.Swiss.Tables), l.Swiss.GlobalDepth)
		}
	})
}

func repeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b + byte(i%7)
	}
	return out
}
