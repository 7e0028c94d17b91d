package ref

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// maxPath bounds the length of a path: longer ones come from recursive data
// structures walked in loops, and are cut to their root as a Local value.
const maxPath = 64

// Of returns the Refs a value may denote. Copies, conversions, phis, loads,
// field and element selections are followed; anything else becomes a Local
// root. The result is never empty for a non-nil value.
func Of(v ssa.Value) []Ref {
	var out []Ref
	of(v, map[ssa.Value]bool{}, func(r Ref) {
		for _, o := range out {
			if o == r {
				return
			}
		}
		out = append(out, r)
	})
	return out
}

func of(v ssa.Value, seen map[ssa.Value]bool, emit func(Ref)) {
	if seen[v] {
		return
	}
	seen[v] = true
	defer delete(seen, v) // the same value may be reached by two paths
	with := func(x ssa.Value, steps string) {
		of(x, seen, func(r Ref) {
			r = r.Append(steps)
			if len(r.Path) > maxPath {
				r = Ref{Kind: Local, Value: v}
			}
			emit(r)
		})
	}
	switch v := v.(type) {
	case *ssa.Global:
		key := v.Name()
		if v.Pkg != nil {
			key = v.Pkg.Pkg.Path() + "." + v.Name()
		}
		emit(Ref{Kind: Global, Key: key})
	case *ssa.Parameter:
		emit(Ref{Kind: Param, Index: paramIndex(v)})
	case *ssa.FreeVar:
		emit(Ref{Kind: FreeVar, Index: freeVarIndex(v)})
	case *ssa.UnOp:
		if v.Op == token.MUL {
			with(v.X, "*")
			return
		}
		emit(Ref{Kind: Local, Value: v})
	case *ssa.FieldAddr:
		with(v.X, "*."+fieldName(v.X.Type(), v.Field)+"&")
	case *ssa.Field:
		with(v.X, "."+fieldName(v.X.Type(), v.Field))
	case *ssa.IndexAddr:
		with(v.X, "[]&")
	case *ssa.Index:
		with(v.X, "[]")
	case *ssa.Lookup:
		if v.CommaOk {
			emit(Ref{Kind: Local, Value: v})
			return
		}
		with(v.X, "[]")
	case *ssa.Extract:
		if v.Index == 0 {
			switch t := v.Tuple.(type) {
			case *ssa.Lookup:
				with(t.X, "[]")
				return
			case *ssa.TypeAssert:
				with(t.X, "")
				return
			}
		}
		emit(Ref{Kind: Local, Value: v})
	case *ssa.Phi:
		for _, e := range v.Edges {
			with(e, "")
		}
	case *ssa.ChangeType:
		with(v.X, "")
	case *ssa.MakeInterface:
		with(v.X, "")
	case *ssa.ChangeInterface:
		with(v.X, "")
	case *ssa.TypeAssert:
		with(v.X, "")
	case *ssa.Slice:
		with(v.X, "")
	default:
		emit(Ref{Kind: Local, Value: v})
	}
}

func paramIndex(p *ssa.Parameter) int {
	for i, q := range p.Parent().Params {
		if q == p {
			return i
		}
	}
	return -1
}

func freeVarIndex(fv *ssa.FreeVar) int {
	for i, q := range fv.Parent().FreeVars {
		if q == fv {
			return i
		}
	}
	return -1
}

// fieldName returns the name of field i of the struct t points to (or is).
func fieldName(t types.Type, i int) string {
	if s := structOf(t); s != nil && i < s.NumFields() {
		return s.Field(i).Name()
	}
	return "?"
}

func structOf(t types.Type) *types.Struct {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	s, _ := t.Underlying().(*types.Struct)
	return s
}

// TypeKey names, at the type level, the location a map or mutex value was
// loaded from: "pkgpath.T.f" for a field of a named struct type, the
// global's key for a package-level variable. Accesses to the same field in
// different functions share a TypeKey even when the structs they reach it
// through have different Refs. It is empty when neither applies.
func TypeKey(v ssa.Value) string {
	return typeKey(v, 0)
}

func typeKey(v ssa.Value, depth int) string {
	if depth > 8 {
		return ""
	}
	switch v := v.(type) {
	case *ssa.UnOp:
		if v.Op == token.MUL {
			return typeKey(v.X, depth+1)
		}
	case *ssa.FieldAddr:
		return ownerName(v.X.Type()) + "." + fieldName(v.X.Type(), v.Field)
	case *ssa.Field:
		return ownerName(v.X.Type()) + "." + fieldName(v.X.Type(), v.Field)
	case *ssa.Global:
		if v.Pkg != nil {
			return v.Pkg.Pkg.Path() + "." + v.Name()
		}
	case *ssa.Phi:
		for _, e := range v.Edges {
			if k := typeKey(e, depth+1); k != "" {
				return k
			}
		}
	case *ssa.ChangeType:
		return typeKey(v.X, depth+1)
	}
	return ""
}

func ownerName(t types.Type) string {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
		return n.Obj().Pkg().Path() + "." + n.Obj().Name()
	}
	return t.String()
}
