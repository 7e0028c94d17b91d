package classic

import (
	"fmt"
	"io"
	"strings"
)

// WriteLayout prints a snapshot as text: the header, then one line per
// bucket chain with each slot's tophash (or marker) and key.
//
//	count=14 B=2 flags=0 noverflow=0 growing=doubling nevacuate=0/2
//	bucket 0: [5e:3 a1:7 ...] -> [..]
func WriteLayout(w io.Writer, s State) error {
	grow := "no"
	if s.Growing {
		grow = "doubling"
		if s.SameSize {
			grow = "same-size"
		}
		grow += fmt.Sprintf(" nevacuate=%d/%d", s.Nevacuate, len(s.OldBuckets))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "count=%d B=%d flags=%s noverflow=%d growing=%s free-preallocated=%d\n",
		s.Count, s.B, s.FlagsText, s.Noverflow, grow, s.PreallocFree)
	write := func(name string, cs []Chain) {
		for i, c := range cs {
			fmt.Fprintf(&b, "%s %3d:", name, i)
			for j, bk := range c {
				if j > 0 {
					b.WriteString(" ->")
				}
				b.WriteString(" [")
				for k, t := range bk.TopHash {
					if k > 0 {
						b.WriteByte(' ')
					}
					b.WriteString(SlotString(t, bk.Keys[k]))
				}
				b.WriteString("]")
			}
			b.WriteByte('\n')
		}
	}
	write("old", s.OldBuckets)
	write("bucket", s.Buckets)
	_, err := io.WriteString(w, b.String())
	return err
}

// SlotString renders one slot: "key@tophash" for a live key, a marker
// name otherwise.
func SlotString(top uint8, key string) string {
	switch top {
	case EmptyRest:
		return "."
	case EmptyOne:
		return "-"
	case EvacuatedX:
		return "X"
	case EvacuatedY:
		return "Y"
	case EvacuatedEmpty:
		return "E"
	}
	return fmt.Sprintf("%s@%02x", key, top)
}
