package crash

import (
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/crash/crashlog"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"golang.org/x/tools/go/ssa"
)

// Matching a GOTRACEBACK=all dump. Every goroutine other than the one that
// reported the crash is read frame by frame; a frame inside the function
// of a candidate write is a sighting: that goroutine was in the writer
// when the program died. A goroutine the runtime could not stop ("running
// on other thread; stack unavailable", the usual state of the other writer
// on a multi-core machine) still has its "created by" frame: when that go
// statement is one of the write's entries, the goroutine is a sighting
// too, a weaker one.
//
// A dump of 10,000 goroutines is mostly the same few stacks. Each distinct
// (file, line) is mapped to its source function once, through a memo, and
// a function is looked up in a map of the candidates' functions, so the
// cost is one hash lookup per frame.

// sighting is a goroutine of the dump seen in a candidate's function.
type sighting struct {
	g     *crashlog.Goroutine
	frame crashlog.Frame // the frame in the candidate's function; for a start, the created-by frame
	exact bool           // at the candidate's own line
	inMap bool           // inside the runtime's map code, called from that line
	start bool           // stack unavailable: matched by the go statement that started it
}

// match records the sightings of c's goroutines in the write candidates.
func (an *analysis) match(c *crashlog.Crash, cands []*candidate) {
	if len(c.Goroutines) < 2 {
		return
	}
	byFn := map[*ssa.Function][]*candidate{}
	for _, cd := range cands {
		if cd.kind == ops.Write && cd.fn != nil {
			byFn[cd.fn] = append(byFn[cd.fn], cd)
		}
	}
	if len(byFn) == 0 {
		return
	}
	type lineKey struct {
		pkg, file string
		line      int
	}
	memo := map[lineKey]*ssa.Function{}
	fnAt := func(f crashlog.Frame) *ssa.Function {
		k := lineKey{f.Pkg, f.File, f.Line}
		fn, ok := memo[k]
		if !ok {
			fn = an.p.mapFrame(f, 0).fn
			memo[k] = fn
		}
		return fn
	}
	for _, g := range c.Goroutines[1:] {
		if g.Unavailable {
			an.matchStart(g, cands)
			continue
		}
		done := map[*candidate]bool{}
		for i, f := range g.Frames {
			if an.p.isStd(f) {
				continue
			}
			for _, cd := range byFn[fnAt(f)] {
				if done[cd] {
					continue
				}
				done[cd] = true
				w := sighting{g: g, frame: f, exact: f.Line == cd.pos.Line}
				w.inMap = w.exact && i > 0 && isMapRuntime(g.Frames[i-1])
				cd.seen = append(cd.seen, w)
			}
		}
	}
}

// matchStart matches a goroutine whose stack is unavailable by what
// started it: one of the write's go statements, or the library that
// starts the kind of goroutine the write is reached from (net/http's
// server for a handler, the time package for an AfterFunc callback, ...).
func (an *analysis) matchStart(g *crashlog.Goroutine, cands []*candidate) {
	if g.CreatedBy == nil {
		return
	}
	kind, byLibrary := starterKinds[g.CreatedBy.Func]
	cb, ok := an.p.createdBy(g)
	if !byLibrary && (!ok || cb.file == "") {
		return
	}
	for _, cd := range cands {
		if cd.kind != ops.Write || cd.fn == nil {
			continue
		}
		for _, e := range an.p.callGraph().entries(cd.fn) {
			match := byLibrary && e.kind == kind
			if !byLibrary && e.kind == entryGo {
				pe := an.p.fset.Position(e.pos)
				match = pe.Filename == cb.file && pe.Line == cb.Line
			}
			if match {
				cd.seen = append(cd.seen, sighting{g: g, frame: *g.CreatedBy, start: true})
				break
			}
		}
	}
}

// starterKinds are the library functions whose "created by" frame says
// what kind of goroutine it is.
var starterKinds = map[string]entryKind{
	"net/http.(*Server).Serve":                  entryHandler,
	"time.goFunc":                               entryAfterFunc,
	"testing.(*T).Run":                          entryTest,
	"testing.(*B).Run":                          entryTest,
	"sync.(*WaitGroup).Go":                      entryWaitGroup,
	"golang.org/x/sync/errgroup.(*Group).Go":    entryErrgroup,
	"golang.org/x/sync/errgroup.(*Group).TryGo": entryErrgroup,
	"golang.org/x/sync/errgroup.(*Group).add":   entryErrgroup,
}

// isMapRuntime reports whether a frame is the runtime's map code
// (GOTRACEBACK=system and crash print it; all and single hide it).
func isMapRuntime(f crashlog.Frame) bool {
	return (f.Pkg == "runtime" && strings.Contains(f.Func, "map")) || f.Pkg == "internal/runtime/maps"
}
