package engine

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Lazy initialization behind a nil check. A type may build its maps on
// first use:
//
//	func (t *table) search(k string) int {
//		if t.byName == nil {
//			t.build() // writes t.byName
//		}
//		return t.byName[k]
//	}
//
// and a package variable of that type may be built in its declaration:
//
//	var static = &table{byName: map[string]int{...}}
//
// Two goroutines calling static.search never run build: static.byName is
// not nil. The engine keeps, with every access, the maps that the path to
// it found nil (Access.Nils, carried through summaries and substituted at
// calls like the map itself); an access whose path needs a map that is
// never nil to be nil is dead and is dropped (Engine.feasible).
//
// neverNil decides "never nil" for a field f of a package variable v of this
// package (the Refs v.f through a pointer variable or a struct variable),
// when all of these hold in the package's non-test files:
//
//   - v is assigned only by its declaration, which stores a non-nil map in
//     f (a composite literal, or make);
//   - every other store to field f of that struct type, anywhere, stores a
//     map made there (make or a composite literal);
//   - no whole value of the struct type is stored outside the package's
//     initialization, and f's address is only loaded and stored through;
//   - f is unexported, so no other package can assign it.
//
// Test files are left out: a test that swaps the variable for another
// value runs on its own, and a finding about the package's code must not
// depend on whether its tests were loaded.

// feasible returns the accesses whose path conditions can hold.
func (e *Engine) feasible(accs []Access) []Access {
	var out []Access
	for _, a := range accs {
		if !e.infeasible(a.Nils) {
			out = append(out, a)
		}
	}
	if len(out) == len(accs) {
		return accs
	}
	return out
}

// infeasible reports whether a path that needs every map in nils to be nil
// cannot be taken.
func (e *Engine) infeasible(nils []ref.Ref) bool {
	for _, r := range nils {
		if e.neverNil(r) {
			return true
		}
	}
	return false
}

// neverNil reports whether the map at r is never nil once the package is
// initialized (see above).
func (e *Engine) neverNil(r ref.Ref) bool {
	if r.Kind != ref.Global || e.pkg == nil || r.Package() != e.pkg.Pkg.Path() {
		return false
	}
	if v, ok := e.nonNil[r]; ok {
		return v
	}
	v := e.computeNeverNil(r)
	if e.nonNil == nil {
		e.nonNil = map[ref.Ref]bool{}
	}
	e.nonNil[r] = v
	return v
}

func (e *Engine) computeNeverNil(r ref.Ref) bool {
	g, t, fi, viaPtr, ok := e.nilTarget(r)
	if !ok {
		return false
	}
	initial, ok := e.onlyMadeMapsStored(g, t, fi)
	if !ok {
		return false
	}
	// The declaration made f non-nil: a store of a made map to g's field
	// (struct variable) or to the field of the value stored in g.
	holder := ssa.Value(g)
	switch {
	case viaPtr && initial == nil:
		return false
	case viaPtr:
		holder = initial
	case initial != nil:
		// v = T{...}: built in a local, then copied into v.
		load, ok := initial.(*ssa.UnOp)
		if !ok || load.Op != token.MUL {
			return false
		}
		holder = load.X
	}
	for _, b := range e.pkg.Func("init").Blocks {
		for _, instr := range b.Instrs {
			if s, ok := instr.(*ssa.Store); ok {
				if fa, ok := s.Addr.(*ssa.FieldAddr); ok && fa.X == holder && fa.Field == fi {
					_, made := s.Val.(*ssa.MakeMap)
					return made
				}
			}
		}
	}
	return false
}

// nilTarget decodes r as field fi of package variable g's struct type t
// (through a pointer when viaPtr): r.Path is "*.f" for a struct variable,
// "**.f" for a pointer to one. The field must be unexported.
func (e *Engine) nilTarget(r ref.Ref) (g *ssa.Global, t types.Type, fi int, viaPtr, ok bool) {
	g, _ = e.pkg.Members[r.Var[len(r.Package())+1:]].(*ssa.Global)
	if g == nil {
		return nil, nil, 0, false, false
	}
	var field string
	switch {
	case strings.HasPrefix(r.Path, "**."):
		field, viaPtr = r.Path[3:], true
	case strings.HasPrefix(r.Path, "*."):
		field = r.Path[2:]
	default:
		return nil, nil, 0, false, false
	}
	if strings.ContainsAny(field, ".*&[") || ast.IsExported(field) {
		return nil, nil, 0, false, false
	}
	t = g.Type().(*types.Pointer).Elem() // the variable's type
	if viaPtr {
		p, isPtr := t.Underlying().(*types.Pointer)
		if !isPtr {
			return nil, nil, 0, false, false
		}
		t = p.Elem()
	}
	st, isStruct := t.Underlying().(*types.Struct)
	if !isStruct {
		return nil, nil, 0, false, false
	}
	for i := range st.NumFields() {
		if st.Field(i).Name() == field {
			return g, t, i, viaPtr, true
		}
	}
	return nil, nil, 0, false, false
}

// onlyMadeMapsStored scans the package's non-test code: g is stored only by
// the package initializer, once (its value is returned); field fi of type t
// is only ever given made maps; no whole t is stored after initialization;
// and the field's address is only loaded and stored through.
func (e *Engine) onlyMadeMapsStored(g *ssa.Global, t types.Type, fi int) (initial ssa.Value, ok bool) {
	initFn := e.pkg.Func("init")
	for _, fn := range e.nonTestFuncs() {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case *ssa.Store:
					switch {
					case in.Addr == g:
						if fn != initFn || initial != nil {
							return nil, false
						}
						initial = in.Val
					case isField(in.Addr, t, fi):
						if _, made := in.Val.(*ssa.MakeMap); !made {
							return nil, false
						}
					case fn != initFn && types.Identical(deref(in.Addr.Type()), t) && throughPointer(in.Addr):
						return nil, false // *p = T{...}: f may be nil again
					}
				case *ssa.FieldAddr:
					if isField(in, t, fi) && !onlyLoadedOrStored(in) {
						return nil, false
					}
				}
			}
		}
	}
	return initial, true
}

// nonTestFuncs returns the package's functions outside _test.go files,
// with the package initializer (variable declarations).
func (e *Engine) nonTestFuncs() []*ssa.Function {
	out := []*ssa.Function{e.pkg.Func("init")}
	for _, fn := range e.funcs {
		if fn == out[0] || e.InTestFile(fn) {
			continue
		}
		out = append(out, fn)
	}
	return out
}

// throughPointer reports whether a store to addr may write a value some
// pointer refers to, the way *p = T{} does. A store to a field of another
// struct (dt.table = T{}), an element, or a local variable writes inside
// that value, never the standalone object a package variable points to.
func throughPointer(addr ssa.Value) bool {
	switch addr.(type) {
	case *ssa.FieldAddr, *ssa.IndexAddr, *ssa.Alloc:
		return false
	}
	return true
}

// isField reports whether v is the address of field i of a struct of type t.
func isField(v ssa.Value, t types.Type, i int) bool {
	fa, ok := v.(*ssa.FieldAddr)
	return ok && fa.Field == i && types.Identical(deref(fa.X.Type()), t)
}

func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// onlyLoadedOrStored reports whether the field address fa is used only to
// load the field or store into it.
func onlyLoadedOrStored(fa *ssa.FieldAddr) bool {
	for _, u := range *fa.Referrers() {
		switch u := u.(type) {
		case *ssa.UnOp:
			if u.X != fa {
				return false
			}
		case *ssa.Store:
			if u.Val == fa {
				return false
			}
		case *ssa.DebugRef:
		default:
			return false
		}
	}
	return true
}
