package sharedmap

import (
	_ "embed"
	"fmt"

	"github.com/mapsafe/mapsafe/mapvet/internal/check"
	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/phrase"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

//go:embed doc.go
var doc string

// Info is the check's metadata.
var Info = diag.Info{Name: "sharedmap", Severity: diag.Crash}

// Analyzer is the check over the engine that takes its settings from flags.
var Analyzer = New(engine.Analyzer)

// New returns the check over the given engine analyzer.
func New(eng *analysis.Analyzer) *analysis.Analyzer { return spec.New(eng) }

var spec = check.Check{Info: Info, Doc: doc, Suffix: remedy, Run: run}

// remedy ends every message: what a team reaches for once a map is shared.
const remedy = "; guard it with a mutex, or use a concurrent map from github.com/mapsafe/mapsafe/cmap"

func run(c *diag.Checker, eng *engine.Engine) {
	for _, fn := range eng.Funcs() {
		checkEntry(c, eng, eng.Result(fn))
	}
	checkMutexTypes(c, eng) // after the entry methods: one finding a position
	for _, fn := range eng.Funcs() {
		c.At(fn.Pos())
		r := eng.Result(fn)
		if len(r.Goroutines) == 0 {
			continue
		}
		checkStarter(c, eng, r)
		checkGoroutines(c, r)
	}
}

type pairKey struct {
	m ref.Ref
	g int
}

// checkStarter reports the function's own accesses that may overlap a
// conflicting access of a goroutine it started.
func checkStarter(c *diag.Checker, eng *engine.Engine, r *engine.Result) {
	done := map[pairKey]bool{}
	for i, a := range r.Accesses {
		if a.Fresh && len(r.Running[i]) == 0 || !a.Kind.Crashes() {
			continue
		}
		for _, gi := range r.Running[i] {
			k := pairKey{a.Ref, gi}
			if done[k] {
				continue
			}
			g := r.Goroutines[gi]
			w := conflict(a, g.Accesses)
			if w == nil || earlierIteration(eng, a, g) {
				continue
			}
			if engine.LockedName(r.Fn) && len(w.Locks) > 0 {
				// addLocked runs under its caller's lock, unseen here;
				// the goroutine takes a lock: most likely that one.
				continue
			}
			done[k] = true
			c.At(a.Pos)
			fset := c.Pass.Fset
			c.Report(analysis.Diagnostic{
				Pos: a.Pos,
				Message: fmt.Sprintf("%s may run while %s %s it at %s, with no common lock or join (%s)",
					phrase.Access(&a), phrase.Goroutine(fset, g), phrase.Verb(w), phrase.Where(fset, w.Op), fatal(a, *w)),
				Related: append(phrase.Start(g),
					diag.Related(w.Op, "%s by the goroutine", phrase.Access(w))),
			})
		}
	}
}

// checkGoroutines reports goroutines that race with their own siblings
// (started in a loop) or with another goroutine of the function.
func checkGoroutines(c *diag.Checker, r *engine.Result) {
	for _, g := range r.Goroutines {
		if g.Instr == nil {
			continue
		}
		c.At(g.Pos)
		fset := c.Pass.Fset
		// A callee's goroutine that races with itself is reported where
		// the callee starts it, unless it runs a function value this
		// function passed (a goroutine helper).
		if g.Siblings && (!g.Spawned() || g.RunsValue) {
			if w, x := selfConflict(g); w != nil {
				d := analysis.Diagnostic{Pos: g.Pos}
				if w == x {
					d.Message = fmt.Sprintf("%s all write %s at %s, with no common lock (%s)",
						siblings(g), w.Name, phrase.Where(fset, w.Op), ops.Fatal(ops.Write))
					d.Related = []analysis.RelatedInformation{diag.Related(w.Op, "%s in every goroutine", phrase.Access(w))}
				} else {
					d.Message = fmt.Sprintf("%s writes %s at %s while another %s it at %s, with no common lock (%s)",
						eachSibling(g), w.Name, phrase.Where(fset, w.Op), phrase.Verb(x), phrase.Where(fset, x.Op), fatal(*w, *x))
					d.Related = []analysis.RelatedInformation{
						diag.Related(w.Op, "%s in one goroutine", phrase.Access(w)),
						diag.Related(x.Op, "%s in another", phrase.Access(x)),
					}
				}
				c.Report(d)
				continue
			}
		}
		for _, oi := range g.Overlaps {
			o := r.Goroutines[oi]
			if oi > g.Index || o.Instr == nil {
				continue // report each pair once, at the later start
			}
			for _, a := range g.Accesses {
				if w := conflict(a, o.Accesses); w != nil && sameIteration(a.Ref, g, o) {
					c.Report(analysis.Diagnostic{
						Pos: g.Pos,
						Message: fmt.Sprintf("%s %s %s at %s while %s %s it at %s, with no common lock or join (%s)",
							startedHere(g), phrase.Verb(&a), a.Name, phrase.Where(fset, a.Op), phrase.Goroutine(fset, o), phrase.Verb(w), phrase.Where(fset, w.Op), fatal(a, *w)),
						Related: append(append([]analysis.RelatedInformation{
							diag.Related(a.Op, "%s by the goroutine started here", phrase.Access(&a))},
							phrase.Start(o)...),
							diag.Related(w.Op, "%s by that goroutine", phrase.Access(w))),
					})
					break
				}
			}
		}
	}
}

// siblings names the instances of a goroutine that run side by side.
func siblings(g *engine.Goroutine) string {
	switch g.Kind {
	case ops.HTTPHandler:
		return "requests that run the net/http handler registered here at the same time"
	case ops.GRPCMethod:
		return "calls that run the gRPC method registered here at the same time"
	}
	return "goroutines started here in a loop"
}

// startedHere names the goroutine started at the reported position.
func startedHere(g *engine.Goroutine) string {
	switch g.Kind {
	case ops.HTTPHandler:
		return "the net/http handler registered here"
	case ops.GRPCMethod:
		return "the gRPC method registered here"
	}
	return "the goroutine started here"
}

// eachSibling names one of them: "each goroutine started here in a loop".
func eachSibling(g *engine.Goroutine) string {
	switch g.Kind {
	case ops.HTTPHandler:
		return "each request's run of the net/http handler registered here"
	case ops.GRPCMethod:
		return "each call's run of the gRPC method registered here"
	}
	return "each goroutine started here in a loop"
}

// conflict returns an access in others to a's map that races with a: one
// of the two writes, and the two hold no lock in common. (A lock both hold
// shared does not exclude them either, but a write under a read lock is
// rlockwrite's report, not this check's.)
//
// A map reached as an element of a slice or map (c.requests[id].params) is
// not compared: the two sides usually hold different elements, and the
// analysis cannot tell which.
func conflict(a engine.Access, others []engine.Access) *engine.Access {
	if a.Ref.InElement() || !a.Kind.Crashes() {
		return nil
	}
	for i := range others {
		o := &others[i]
		if o.Ref == a.Ref && o.Kind.Crashes() && (a.Kind == ops.Write || o.Kind == ops.Write) && !common(a.Locks, o.Locks) {
			return o
		}
	}
	return nil
}

// selfConflict finds two accesses of a goroutine started in a loop that
// race between instances: a write, and any access to the same map that
// holds no common lock, on a map that is the same in every iteration.
func selfConflict(g *engine.Goroutine) (*engine.Access, *engine.Access) {
	for i := range g.Accesses {
		w := &g.Accesses[i]
		if w.Kind != ops.Write || perIteration(w.Ref, g.Instr) {
			continue
		}
		if len(w.Locks) == 0 {
			return w, w // the same write in two instances
		}
		for j := range g.Accesses {
			x := &g.Accesses[j]
			if x.Ref == w.Ref && x.Kind.Crashes() && !common(w.Locks, x.Locks) {
				return w, x
			}
		}
	}
	return nil, nil
}

// earlierIteration reports whether a can only meet the goroutine g of an
// earlier iteration, on another object: a's map is reached from a value
// made afresh in each iteration of the loop around g's start (a composite
// literal, a make, a constructor's result such as http.NewRequest's), and a
// comes before the start in the loop body. The goroutine of a's own
// iteration starts after a.
func earlierIteration(eng *engine.Engine, a engine.Access, g *engine.Goroutine) bool {
	if g.Instr == nil || a.Ref.Kind != ref.Local || !a.Pos.IsValid() || a.Pos >= g.Pos || !perIteration(a.Ref, g.Instr) {
		return false
	}
	switch a.Ref.Value.(type) {
	case *ssa.Alloc, *ssa.MakeMap:
		return true
	}
	return eng.FreshValue(a.Ref.Value)
}

// perIteration reports whether r may name a different map in each
// iteration of the loop around start: its root is computed inside the loop,
// or it is an element of a container.
func perIteration(r ref.Ref, start ssa.Instruction) bool {
	if r.InElement() {
		return true
	}
	if r.Kind != ref.Local {
		return false
	}
	instr, ok := r.Value.(ssa.Instruction)
	if !ok {
		return false
	}
	return reaches(start.Block(), instr.Block()) && reaches(instr.Block(), start.Block())
}

// sameIteration reports whether goroutines g and o may both reach the map r
// names in one iteration of the loop that computes r's root. When r is the
// same in every iteration, or either start can lead to the other without
// computing r anew, they may; when the two starts lie in arms that exclude
// each other (the cases of a switch in an accept loop), each iteration runs
// one of them on its own object.
func sameIteration(r ref.Ref, g, o *engine.Goroutine) bool {
	if g.Instr == nil || o.Instr == nil || !perIteration(r, g.Instr) || !perIteration(r, o.Instr) {
		return true
	}
	instr, ok := r.Value.(ssa.Instruction)
	if !ok {
		return true
	}
	def := instr.Block()
	gb, ob := g.Instr.Block(), o.Instr.Block()
	return gb == ob || reachesAvoiding(gb, ob, def) || reachesAvoiding(ob, gb, def)
}

// reaches reports whether b can reach c through the control-flow graph.
func reaches(b, c *ssa.BasicBlock) bool {
	return reachesAvoiding(b, c, nil)
}

// reachesAvoiding reports whether b can reach c through the control-flow
// graph on a path that does not pass through the block avoid.
func reachesAvoiding(b, c, avoid *ssa.BasicBlock) bool {
	seen := map[*ssa.BasicBlock]bool{}
	var walk func(*ssa.BasicBlock) bool
	walk = func(x *ssa.BasicBlock) bool {
		for _, s := range x.Succs {
			if s == avoid {
				continue
			}
			if s == c {
				return true
			}
			if !seen[s] {
				seen[s] = true
				if walk(s) {
					return true
				}
			}
		}
		return false
	}
	return walk(b)
}

// fatal is the runtime's message for a race between a and b.
func fatal(a, b engine.Access) string {
	if a.Kind == ops.Write {
		return ops.Fatal(b.Kind)
	}
	return ops.Fatal(a.Kind)
}

// common reports whether some lock is held on both sides, in any mode.
func common(s, t engine.LockSet) bool {
	for _, h := range s {
		if _, ok := t.Find(h.Lock); ok {
			return true
		}
	}
	return false
}
