package copiedowner

import (
	_ "embed"
	"fmt"
	"go/token"
	"go/types"

	"github.com/mapsafe/mapsafe/mapvet/internal/check"
	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

//go:embed doc.go
var doc string

// Info is the check's metadata.
var Info = diag.Info{Name: "copiedowner", Severity: diag.Crash}

// Analyzer is the check over the engine that takes its settings from flags.
var Analyzer = New(engine.Analyzer)

// New returns the check over the given engine analyzer.
func New(eng *analysis.Analyzer) *analysis.Analyzer { return spec.New(eng) }

var spec = check.Check{Info: Info, Doc: doc, Run: run}

func run(c *diag.Checker, eng *engine.Engine) {
	for _, fn := range eng.Funcs() {
		c.At(fn.Pos())
		checkDerive(c, eng, fn)
		checkValueReceiver(c, eng, fn)
	}
}

// checkDerive reports stores of one value's guarded map field into a new
// value of the same type whose mutex is its own (a fresh zero mutex).
//
//	t0 = new Deduper (complit)
//	t1 = &t0.seen
//	t2 = &d.seen
//	t3 = *t2
//	*t1 = t3
func checkDerive(c *diag.Checker, eng *engine.Engine, fn *ssa.Function) {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			st, ok := instr.(*ssa.Store)
			if !ok {
				continue
			}
			to, ok := st.Addr.(*ssa.FieldAddr)
			if !ok {
				continue
			}
			alloc, ok := to.X.(*ssa.Alloc)
			if !ok {
				continue
			}
			load, ok := st.Val.(*ssa.UnOp)
			if !ok || load.Op != token.MUL {
				continue
			}
			from, ok := load.X.(*ssa.FieldAddr)
			if !ok || from.Field != to.Field || from.X == ssa.Value(alloc) || !types.Identical(from.X.Type(), alloc.Type()) {
				continue
			}
			owner := deref(alloc.Type())
			st2, _ := owner.Underlying().(*types.Struct)
			if st2 == nil || !ops.IsMap(st2.Field(to.Field).Type()) {
				continue
			}
			field := st2.Field(to.Field).Name()
			g, ok := eng.Guard(ref.FieldKey(owner, field))
			if !ok {
				continue
			}
			mu, ok := mutexField(owner, g)
			if !ok || sharesField(fn, alloc, mu) {
				continue
			}
			src := name(eng, fn, from.X)
			c.At(st.Pos())
			d := analysis.Diagnostic{
				Pos: pos(st, alloc),
				Message: fmt.Sprintf("the new %s shares %s.%s with %s, but not %s.%s, which guards it: the two lock different mutexes around one map (%s)",
					typeName(owner), src, field, src, src, st2.Field(mu).Name(), ops.Fatal(ops.Write)),
				Related: writeSite(c, g),
			}
			if d.Pos != alloc.Pos() && alloc.Pos().IsValid() {
				d.Related = append([]analysis.RelatedInformation{diag.Related(alloc.Pos(), "the new %s made here", typeName(owner))}, d.Related...)
			}
			c.Report(d)
		}
	}
}

// checkValueReceiver reports a method with a value receiver that locks the
// receiver's mutex, which guards a map the method uses: the mutex is the
// copy's, the map the caller's.
func checkValueReceiver(c *diag.Checker, eng *engine.Engine, fn *ssa.Function) {
	recv := fn.Signature.Recv()
	if recv == nil || fn.Parent() != nil || len(fn.Params) == 0 {
		return
	}
	if _, ptr := recv.Type().Underlying().(*types.Pointer); ptr {
		return
	}
	owner := recv.Type()
	r := eng.Result(fn)
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			for _, op := range ops.SyncOps(instr) {
				if op.Kind != ops.Lock && op.Kind != ops.RLock {
					continue
				}
				fa, ok := op.Obj.(*ssa.FieldAddr)
				if !ok || !types.Identical(deref(fa.X.Type()), owner) {
					continue
				}
				muKey := ref.FieldKey(owner, fieldName(owner, fa.Field))
				// Report at the method's first write of a map the mutex
				// guards (else its first use): that map is now unguarded.
				var first *engine.Access
				var g engine.Guard
				for i := range r.Accesses {
					a := &r.Accesses[i]
					ga, ok := eng.Guard(a.TypeKey)
					if !ok || !ga.Is(muKey) || !a.Kind.Crashes() {
						continue
					}
					if first == nil || a.Kind == ops.Write && first.Kind != ops.Write {
						first, g = a, ga
					}
				}
				if first == nil {
					continue
				}
				recvName := fn.Params[0].Name()
				c.At(first.Pos)
				c.Report(analysis.Diagnostic{
					Pos: first.Pos,
					Message: fmt.Sprintf("%s has a value receiver: %s.%s is a copy, so locking it does not guard %s, which every copy shares (%s)",
						fn.Name(), recvName, fieldName(owner, fa.Field), first.Name, ops.Fatal(first.Kind)),
					Related: append([]analysis.RelatedInformation{diag.Related(instr.Pos(), "the copy of %s.%s locked here", recvName, fieldName(owner, fa.Field))}, writeSite(c, g)...),
				})
				return
			}
		}
	}
}

// mutexField returns the index of owner's field that is the guard g, when
// it is a mutex held by value (a new value gets a zero one).
func mutexField(owner types.Type, g engine.Guard) (int, bool) {
	st, _ := owner.Underlying().(*types.Struct)
	if st == nil {
		return 0, false
	}
	for i := range st.NumFields() {
		f := st.Field(i)
		if ref.FieldKey(owner, f.Name()) != g.Lock.TypeKey {
			continue
		}
		if _, ptr := f.Type().Underlying().(*types.Pointer); ptr {
			return 0, false // a shared *sync.Mutex travels with the map
		}
		return i, true
	}
	return 0, false
}

// sharesField reports whether fn stores into field i of alloc.
func sharesField(fn *ssa.Function, alloc *ssa.Alloc, i int) bool {
	for _, u := range *alloc.Referrers() {
		if fa, ok := u.(*ssa.FieldAddr); ok && fa.Field == i {
			for _, w := range *fa.Referrers() {
				if st, ok := w.(*ssa.Store); ok && st.Addr == fa {
					return true
				}
			}
		}
	}
	return false
}

func writeSite(c *diag.Checker, g engine.Guard) []analysis.RelatedInformation {
	if !g.Write.IsValid() {
		return nil
	}
	return []analysis.RelatedInformation{diag.Related(g.Write, "the map is written here under %s", g.Lock.Name)}
}

// pos is where to report a store into a new value: the field's element of
// the composite literal (`seen: d.seen`, go/ssa gives its colon) or the
// assignment, else the composite literal.
func pos(st *ssa.Store, alloc *ssa.Alloc) token.Pos {
	if st.Pos().IsValid() {
		return st.Pos()
	}
	return alloc.Pos()
}

func name(eng *engine.Engine, fn *ssa.Function, v ssa.Value) string {
	rs := ref.Of(v)
	if len(rs) == 1 {
		return eng.Name(rs[0], fn)
	}
	return "the original"
}

func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

func typeName(t types.Type) string {
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return t.String()
}

func fieldName(t types.Type, i int) string {
	if st, ok := t.Underlying().(*types.Struct); ok && i < st.NumFields() {
		return st.Field(i).Name()
	}
	return "?"
}
