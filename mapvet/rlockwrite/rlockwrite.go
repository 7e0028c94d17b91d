package rlockwrite

import (
	_ "embed"
	"go/ast"
	"go/token"

	"github.com/mapsafe/mapsafe/mapvet/internal/check"
	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/phrase"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"
)

//go:embed doc.go
var doc string

// Info is the check's metadata.
var Info = diag.Info{Name: "rlockwrite", Severity: diag.Crash}

// Analyzer is the check over the engine that takes its settings from flags.
var Analyzer = New(engine.Analyzer)

// New returns the check over the given engine analyzer.
func New(eng *analysis.Analyzer) *analysis.Analyzer { return spec.New(eng) }

var spec = check.Check{Info: Info, Doc: doc, Requires: []*analysis.Analyzer{inspect.Analyzer}, Run: run}

func run(c *diag.Checker, eng *engine.Engine) {
	calls := callIndex(c.Pass.ResultOf[inspect.Analyzer].(*inspector.Inspector))
	for _, fn := range eng.Funcs() {
		c.At(fn.Pos())
		checkFunc(c, eng, eng.Result(fn), calls)
	}
}

func checkFunc(c *diag.Checker, eng *engine.Engine, r *engine.Result, calls map[token.Pos]*ast.CallExpr) {
	fset := c.Pass.Fset
	reported := map[token.Pos]bool{}
	fixed := map[ref.Ref]bool{}
	for i := range r.Accesses {
		a := &r.Accesses[i]
		if a.Kind != ops.Write || a.Fresh || reported[a.Pos] {
			continue
		}
		h, ok := readLockGuarding(eng, a)
		if !ok {
			continue
		}
		reported[a.Pos] = true
		c.At(a.Pos)
		d := analysis.Diagnostic{Pos: a.Pos}
		if a.Via == nil {
			d.Message = phrase.Access(a) + " while only the read lock " + h.Name + " is held"
		} else {
			d.Message = "call to " + phrase.Call(a.Via) + " writes " + a.Name + " (" + a.Verb + " at " + phrase.Where(fset, a.Op) + ") while only the read lock " + h.Name + " is held"
			d.Related = append(d.Related, diag.Related(a.Op, "%s in %s", phrase.Access(a), phrase.Call(a.Via)))
		}
		d.Message += ": other holders of the read lock may use " + a.Name + " at the same time (" + ops.Fatal(ops.Write) + ")"
		d.Related = append(d.Related, diag.Related(h.At, "%s read-locked here", h.Name))
		if !fixed[h.Lock] {
			if fix, ok := writeLockFix(r.Fn, h.Lock, calls); ok {
				d.SuggestedFixes = []analysis.SuggestedFix{fix}
				fixed[h.Lock] = true
			}
		}
		c.Report(d)
	}
}

// readLockGuarding returns a lock that guards a's map and that the function
// itself holds only shared at a (a callee's own RLock is the callee's
// report), provided no lock guarding the map is held exclusively.
func readLockGuarding(eng *engine.Engine, a *engine.Access) (engine.Held, bool) {
	g, inferred := eng.Guard(a.TypeKey)
	guarding := func(h engine.Held) bool {
		return h.Lock.Together(a.Ref) || inferred && g.Is(h.TypeKey)
	}
	for _, h := range a.Locks {
		if !h.Shared && guarding(h) {
			return engine.Held{}, false // a lock that guards the map is held exclusively
		}
	}
	for _, h := range a.Here {
		if !h.Shared {
			continue
		}
		if guarding(h) {
			return h, true
		}
	}
	return engine.Held{}, false
}

// callIndex maps the positions go/ssa gives call instructions (a call's
// left parenthesis, a defer statement's keyword) to the call expression.
func callIndex(in *inspector.Inspector) map[token.Pos]*ast.CallExpr {
	idx := map[token.Pos]*ast.CallExpr{}
	in.Preorder([]ast.Node{(*ast.CallExpr)(nil), (*ast.DeferStmt)(nil)}, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.CallExpr:
			idx[n.Lparen] = n
		case *ast.DeferStmt:
			idx[n.Defer] = n.Call
		}
	})
	return idx
}

// writeLockFix turns fn's read locking of lock into write locking, when it
// is unambiguous: one RLock call and one or more RUnlock calls (direct or
// deferred) in fn itself, no TryRLock.
func writeLockFix(fn *ssa.Function, lock ref.Ref, calls map[token.Pos]*ast.CallExpr) (analysis.SuggestedFix, bool) {
	var rlocks, runlocks []*ast.SelectorExpr
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			for _, op := range ops.SyncOps(instr) {
				if !sameLock(op.Obj, lock) {
					continue
				}
				var list *[]*ast.SelectorExpr
				switch op.Kind {
				case ops.RLock:
					list = &rlocks
				case ops.RUnlock:
					list = &runlocks
				case ops.TryRLock:
					return analysis.SuggestedFix{}, false
				default:
					continue
				}
				call := calls[instr.Pos()]
				if call == nil {
					return analysis.SuggestedFix{}, false
				}
				sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
				if !ok {
					return analysis.SuggestedFix{}, false
				}
				*list = append(*list, sel)
			}
		}
	}
	if len(rlocks) != 1 || len(runlocks) == 0 {
		return analysis.SuggestedFix{}, false
	}
	fix := analysis.SuggestedFix{Message: "take the write lock instead of the read lock"}
	edit := func(sel *ast.SelectorExpr, to string) {
		fix.TextEdits = append(fix.TextEdits, analysis.TextEdit{Pos: sel.Sel.Pos(), End: sel.Sel.End(), NewText: []byte(to)})
	}
	edit(rlocks[0], "Lock")
	for _, sel := range runlocks {
		edit(sel, "Unlock")
	}
	return fix, true
}

func sameLock(v ssa.Value, lock ref.Ref) bool {
	rs := ref.Of(v)
	return len(rs) == 1 && rs[0] == lock
}
