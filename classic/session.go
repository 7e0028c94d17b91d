package classic

import (
	"fmt"

	"github.com/mapsafe/mapsafe/classic/op"
)

// Session applies operations of the classic/op language to a map[int]int
// model, as one goroutine's code would: it holds the map and at most one
// open range over it (the iterator of op.IterStart). Several sessions may
// share a Map: classic/interleave gives each simulated goroutine one, the
// visualizer one per iterator it shows.
type Session struct {
	Map *Map[int, int]
	// Iter is the open range, nil when there is none.
	Iter *Iter[int, int]
	// Make makes the map an op.Make starts over with (make(map[int]int,
	// hint)); nil refuses op.Make.
	Make func(hint int) (*Map[int, int], error)
}

// Result is what an operation returned.
type Result struct {
	Found bool // a lookup found its key, or the range returned one
	Key   int  // the key the range returned
	Val   int  // the value a lookup found or the range returned
}

// Apply runs o. An error means o cannot run here (op.IterNext or
// op.IterEnd with no range open, op.Make without Session.Make, an unknown
// kind) and nothing was done; the map's own fatal errors panic with a
// *Fatal, as every Map method does.
func (s *Session) Apply(o op.Op) (Result, error) {
	var r Result
	switch o.Kind {
	case op.Insert:
		s.Map.Insert(o.Key, o.Val)
	case op.Delete:
		s.Map.Delete(o.Key)
	case op.Lookup:
		r.Val, r.Found = s.Map.Lookup(o.Key)
	case op.Clear:
		s.Map.Clear()
	case op.IterStart:
		s.Iter = s.Map.Iter()
		r = s.current()
	case op.IterNext:
		if s.Iter == nil {
			return r, fmt.Errorf("%q: no range is open (start one with %q)", o.String(), "r")
		}
		s.Iter.Next()
		r = s.current()
	case op.IterEnd:
		if s.Iter == nil {
			return r, fmt.Errorf("%q: no range is open", o.String())
		}
		s.Iter = nil
	case op.Make:
		if s.Make == nil {
			return r, fmt.Errorf("%q: making a new map is not supported here", o.String())
		}
		m, err := s.Make(o.Key)
		if err != nil {
			return r, err
		}
		s.Map, s.Iter = m, nil
	default:
		return r, fmt.Errorf("unknown operation %q", o.String())
	}
	return r, nil
}

// current is the open range's key and value, if it holds one.
func (s *Session) current() Result {
	if !s.Iter.Ok() {
		return Result{}
	}
	return Result{Found: true, Key: s.Iter.Key(), Val: s.Iter.Elem()}
}
