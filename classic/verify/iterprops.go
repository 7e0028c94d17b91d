package verify

import (
	"fmt"

	"github.com/mapsafe/mapsafe/classic/op"
	"github.com/mapsafe/mapsafe/classic/verify/record"
)

// iterChecker checks the language's iteration guarantees on one side's
// records: no key twice; never a key that is not in the map or with a stale
// elem; never a key deleted earlier in the iteration (the operations never
// reinsert a deleted key); and, when the iteration runs to its end, every
// key present at the start and not deleted was returned exactly once.
// Keys inserted during the iteration may or may not be returned.
//
// One exception is counted apart: a key returned after a clear removed it.
// The Go 1.18 runtime (and so gccgo 12) does that when the iteration
// started before a grow that the clear abandoned: mapclear drops the old
// bucket array without marking it empty, and the iterator keeps reading it.
// Go 1.21 fixed it (golang/go#59411: mapclear marks both arrays emptyRest).
// The model does the same as the 1.18 runtime, which verify checks.
type iterChecker struct {
	ref        map[int]int // the map's contents, from the operations
	active     bool
	exhausted  bool
	atStart    map[int]bool
	deleted    map[int]bool
	cleared    map[int]bool // deleted by a clear
	returned   map[int]bool
	violations []string

	StaleAfterClear int // keys returned after a clear removed them (Go < 1.21 behaviour)

	Iterations int // iterations started
	Completed  int // iterations run to their end
	Returned   int // keys returned
}

func newIterChecker() *iterChecker { return &iterChecker{ref: map[int]int{}} }

func (c *iterChecker) fail(i int, format string, args ...any) {
	c.violations = append(c.violations, fmt.Sprintf("operation %d: ", i)+fmt.Sprintf(format, args...))
}

// step accounts for operation i and the record it produced.
func (c *iterChecker) step(i int, o op.Op, rec *record.Record) {
	switch o.Kind {
	case op.Insert:
		c.ref[o.Key] = o.Val
	case op.Delete:
		if _, ok := c.ref[o.Key]; ok && c.active && !c.returned[o.Key] {
			c.deleted[o.Key] = true
		}
		delete(c.ref, o.Key)
	case op.Lookup:
		v, ok := c.ref[o.Key]
		if ok != rec.Found || ok && v != rec.Val {
			c.fail(i, "lookup %d returned %d,%v; the map holds %d,%v", o.Key, rec.Val, rec.Found, v, ok)
		}
	case op.Clear:
		if c.active {
			for k := range c.ref {
				if !c.returned[k] {
					c.deleted[k] = true
					c.cleared[k] = true
				}
			}
		}
		clear(c.ref)
	case op.IterStart:
		c.Iterations++
		c.active, c.exhausted = true, false
		c.atStart, c.deleted, c.cleared, c.returned = map[int]bool{}, map[int]bool{}, map[int]bool{}, map[int]bool{}
		for k := range c.ref {
			c.atStart[k] = true
		}
		c.visit(i, rec)
	case op.IterNext:
		if c.active && !c.exhausted {
			c.visit(i, rec)
		}
	case op.IterEnd:
		c.active = false
	case op.Make:
		c.active = false
		clear(c.ref)
	}
}

func (c *iterChecker) visit(i int, rec *record.Record) {
	if !rec.Found {
		c.exhausted = true
		c.Completed++
		for k := range c.atStart {
			if !c.deleted[k] && !c.returned[k] {
				c.fail(i, "iteration ended without key %d, present at its start and never deleted", k)
			}
		}
		return
	}
	k := rec.Key
	c.Returned++
	switch v, ok := c.ref[k]; {
	case c.returned[k]:
		c.fail(i, "key %d returned twice", k)
	case c.cleared[k]:
		c.StaleAfterClear++
	case c.deleted[k]:
		c.fail(i, "key %d returned after it was deleted", k)
	case !ok:
		c.fail(i, "key %d returned but not in the map", k)
	case v != rec.Val:
		c.fail(i, "key %d returned with elem %d, the map holds %d", k, rec.Val, v)
	}
	c.returned[k] = true
}
