package crash

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/callgraph/cha"
	"golang.org/x/tools/go/callgraph/vta"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

// The call graph answers "which goroutines can reach this write?". It is
// VTA's (variable type analysis), seeded with CHA's: see
// docs/mapvet-crash.md for why. Walking it backwards from a function, an
// edge from a go statement ends the walk at a goroutine start; so do the
// functions handed to a library that runs them on a goroutine of its own
// (time.AfterFunc, errgroup.Group.Go, sync.WaitGroup.Go, net/http's
// handlers, the testing package's tests), main.main and init functions.
// A function with no caller and none of these roles is called from outside
// the loaded packages (or through reflection): an unknown entry.

// entryKind is how a goroutine begins.
type entryKind uint8

const (
	entryUnknown   entryKind = iota // no caller in the loaded packages
	entryMain                       // the main goroutine
	entryInit                       // package initialization (the main goroutine, before main)
	entryGo                         // a go statement
	entryAfterFunc                  // a time.AfterFunc callback
	entryErrgroup                   // errgroup.Group.Go
	entryWaitGroup                  // sync.WaitGroup.Go
	entryHandler                    // a net/http handler: one goroutine per request
	entryTest                       // a test, benchmark or fuzz function
)

// entry is a place where a goroutine that reaches a function begins.
type entry struct {
	kind entryKind
	pos  token.Pos     // the go statement or registration; the function itself for main, tests, handlers, unknown
	fn   *ssa.Function // the function the goroutine begins in
	from *ssa.Function // the function with the go statement or registration; nil for the others
	// multi is set when several goroutines may begin there at once: a start
	// in a loop or in a function that may run more than once, a handler, a
	// timer callback.
	multi bool
}

// maxWalk bounds a backward walk: past it, the entries found so far are
// the answer.
const maxWalk = 20000

// graph is the program's call graph with what the backward walks need.
type graph struct {
	callers map[*ssa.Function][]*callgraph.Edge // by callee, generic instances under their origin
	started map[*ssa.Function][]entry           // functions a library call starts on a goroutine
	cache   map[*ssa.Function][]entry
}

// callGraph builds the call graph on first use.
func (p *program) callGraph() *graph {
	if p.graph == nil {
		funcs := ssautil.AllFunctions(p.prog)
		p.graph = newGraph(vta.CallGraph(funcs, cha.CallGraph(p.prog)), funcs)
	}
	return p.graph
}

// newGraph indexes cg by callee and finds the functions that library
// calls in funcs start on goroutines of their own.
func newGraph(cg *callgraph.Graph, funcs map[*ssa.Function]bool) *graph {
	g := &graph{
		callers: map[*ssa.Function][]*callgraph.Edge{},
		started: map[*ssa.Function][]entry{},
		cache:   map[*ssa.Function][]entry{},
	}
	for fn, n := range cg.Nodes {
		if fn != nil {
			g.callers[origin(fn)] = append(g.callers[origin(fn)], n.In...)
		}
	}
	for fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if sub := subtest(instr); sub != nil {
					// t.Run's function runs on a goroutine of its own; with
					// t.Parallel, at the same time as its siblings.
					g.started[origin(sub)] = append(g.started[origin(sub)], entry{kind: entryTest, pos: instr.Pos(), fn: origin(sub), from: origin(fn), multi: true})
					continue
				}
				started, k := startOf(instr)
				if started == nil || k == goStmt {
					continue
				}
				e := entry{kind: entryKinds[k], pos: instr.Pos(), fn: origin(started), from: origin(fn)}
				// A timer callback runs once per AfterFunc call; the others
				// run once per call of Go: several at once when that is in a
				// loop or in a function that may run more than once.
				e.multi = k == afterFunc || inLoop(instr.Block()) || !once(fn)
				g.started[e.fn] = append(g.started[e.fn], e)
			}
		}
	}
	return g
}

var entryKinds = map[startKind]entryKind{
	goStmt: entryGo, afterFunc: entryAfterFunc, errgroupGo: entryErrgroup, waitGroupGo: entryWaitGroup,
}

func origin(fn *ssa.Function) *ssa.Function {
	if o := fn.Origin(); o != nil {
		return o
	}
	return fn
}

// entries returns where the goroutines that may run fn begin, nearest
// first.
func (g *graph) entries(fn *ssa.Function) []entry {
	fn = origin(fn)
	if es, ok := g.cache[fn]; ok {
		return es
	}
	var out []entry
	seenEntry := map[entry]bool{}
	add := func(e entry) {
		if !seenEntry[e] {
			seenEntry[e] = true
			out = append(out, e)
		}
	}
	visited := map[*ssa.Function]bool{fn: true}
	queue := []*ssa.Function{fn}
	for len(queue) > 0 && len(visited) < maxWalk {
		n := queue[0]
		queue = queue[1:]
		for _, e := range g.started[n] {
			add(e)
		}
		if k, ok := rootKind(n); ok {
			add(entry{kind: k, pos: n.Pos(), fn: n, multi: k == entryHandler})
			if k != entryHandler {
				continue
			}
		}
		callers := g.callers[n]
		for _, e := range callers {
			if gs, ok := e.Site.(*ssa.Go); ok {
				add(entry{kind: entryGo, pos: gs.Pos(), fn: n, from: origin(e.Caller.Func), multi: inLoop(gs.Block()) || !once(e.Caller.Func)})
				continue
			}
			c := origin(e.Caller.Func)
			if !visited[c] {
				visited[c] = true
				queue = append(queue, c)
			}
		}
		if len(callers) == 0 && len(g.started[n]) == 0 {
			if _, ok := rootKind(n); !ok {
				add(entry{kind: entryUnknown, pos: n.Pos(), fn: n, multi: true})
			}
		}
	}
	g.cache[fn] = out
	return out
}

// subtest returns the function a call of (*testing.T).Run or
// (*testing.B).Run (or B.RunParallel) runs, when it is known statically.
func subtest(instr ssa.Instruction) *ssa.Function {
	call, ok := instr.(*ssa.Call)
	if !ok {
		return nil
	}
	callee := call.Call.StaticCallee()
	if callee == nil {
		return nil
	}
	obj, ok := callee.Object().(*types.Func)
	if !ok {
		return nil
	}
	switch obj.FullName() {
	case "(*testing.T).Run", "(*testing.B).Run", "(*testing.B).RunParallel":
	default:
		return nil
	}
	arg := call.Call.Args[len(call.Call.Args)-1]
	switch v := arg.(type) {
	case *ssa.MakeClosure:
		fn, _ := v.Fn.(*ssa.Function)
		return fn
	case *ssa.Function:
		return v
	}
	return nil
}

// rootKind reports whether fn is where a goroutine begins by its role:
// main.main, an init function, a test, a net/http handler.
func rootKind(fn *ssa.Function) (entryKind, bool) {
	if fn.Parent() != nil || fn.Pkg == nil {
		if isHandler(fn.Signature) {
			return entryHandler, true
		}
		return 0, false
	}
	name := fn.Name()
	switch {
	case fn.Pkg.Pkg.Name() == "main" && name == "main" && fn.Signature.Recv() == nil:
		return entryMain, true
	case name == "init" || strings.HasPrefix(name, "init#"):
		return entryInit, true
	case isHandler(fn.Signature):
		return entryHandler, true
	case fn.Signature.Recv() == nil && isTestFunc(fn):
		return entryTest, true
	}
	return 0, false
}

// isHandler reports whether sig is that of a net/http handler function or
// ServeHTTP method: (http.ResponseWriter, *http.Request).
func isHandler(sig *types.Signature) bool {
	ps := sig.Params()
	if ps.Len() != 2 || sig.Results().Len() != 0 {
		return false
	}
	return typeName(ps.At(0).Type()) == "net/http.ResponseWriter" && typeName(ps.At(1).Type()) == "*net/http.Request"
}

func isTestFunc(fn *ssa.Function) bool {
	pos := fn.Prog.Fset.Position(fn.Pos())
	if !strings.HasSuffix(pos.Filename, "_test.go") {
		return false
	}
	ps := fn.Signature.Params()
	if ps.Len() != 1 {
		return false
	}
	arg := typeName(ps.At(0).Type())
	for _, pre := range []string{"Test", "Benchmark", "Fuzz"} {
		if strings.HasPrefix(fn.Name(), pre) && (arg == "*testing.T" || arg == "*testing.B" || arg == "*testing.F") {
			return true
		}
	}
	return false
}

func typeName(t types.Type) string {
	return types.TypeString(t, nil)
}

// inLoop reports whether b is on a cycle of its function's control flow.
func inLoop(b *ssa.BasicBlock) bool {
	seen := map[*ssa.BasicBlock]bool{}
	stack := append([]*ssa.BasicBlock(nil), b.Succs...)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == b {
			return true
		}
		if seen[x] {
			continue
		}
		seen[x] = true
		stack = append(stack, x.Succs...)
	}
	return false
}

// once reports whether fn runs at most once per process: main.main and
// init functions.
func once(fn *ssa.Function) bool {
	k, ok := rootKind(origin(fn))
	return ok && (k == entryMain || k == entryInit)
}
