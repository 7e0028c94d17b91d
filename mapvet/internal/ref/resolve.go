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
	return new(Resolver).Of(v)
}

// Limits on one resolution, so that no value's Refs cost more than a
// bounded amount of work: past them the value is named by itself (a Local
// root), which matches nothing else. For a map that drops what the analysis
// knows about it; for a mutex it keeps the lock held until an unlock of the
// same value, which never comes, so accesses look guarded. Either way the
// result has fewer findings, never more.
const (
	maxVisits = 4096 // values visited in one resolution
	maxRefs   = 32   // Refs one value may denote
)

// A Resolver computes Refs and remembers them: Of is a pure function of
// the SSA value, so one Resolver can serve every function of a package.
type Resolver struct {
	cache  map[ssa.Value][]Ref
	active map[ssa.Value]bool // values being resolved: Results may ask again
	Capped int                // resolutions cut short by maxVisits or maxRefs

	// Results, when set, names what a call returns: the Refs result i of
	// call may be (a method that returns a field of its receiver), or
	// false when that is not known (the call's result is then its own
	// Local root).
	Results func(call *ssa.Call, i int) ([]Ref, bool)
}

// Of returns the Refs v may denote (see the package function Of).
func (rv *Resolver) Of(v ssa.Value) []Ref {
	if rs, ok := rv.cache[v]; ok {
		return rs
	}
	if rv.active[v] {
		// A call's result asked for its own arguments' Refs (n =
		// n.next() in a loop): the value names itself.
		return []Ref{{Kind: Local, Value: v}}
	}
	if rv.active == nil {
		rv.active = map[ssa.Value]bool{}
	}
	rv.active[v] = true
	defer delete(rv.active, v)
	w := walk{memo: map[ssa.Value][]Ref{}, active: map[ssa.Value]bool{}, budget: maxVisits, results: rv.Results}
	refs, _ := w.of(v)
	var out []Ref
	for _, r := range refs {
		for _, s := range simplify(r, 0) {
			if !contains(out, s) {
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		out = []Ref{{Kind: Local, Value: v}} // a phi that only feeds itself
	}
	if w.capped {
		rv.Capped++
	}
	if rv.cache == nil {
		rv.cache = map[ssa.Value][]Ref{}
	}
	rv.cache[v] = out
	return out
}

func contains(rs []Ref, r Ref) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// simplify replaces a load from a variable that is assigned exactly once
// by the value assigned. go/ssa keeps every variable a closure captures in
// an Alloc, parameters included; without this a captured parameter would be
// a local of the function, and a map made, stored in a variable and
// captured would have two names (the make site, and the variable).
func simplify(r Ref, depth int) []Ref {
	if r.Kind != Local || depth > 4 || len(r.Path) == 0 || r.Path[0] != '*' {
		return []Ref{r}
	}
	alloc, ok := r.Value.(*ssa.Alloc)
	if !ok {
		return []Ref{r}
	}
	stored := singleStore(alloc)
	if stored == nil {
		return []Ref{r}
	}
	w := walk{memo: map[ssa.Value][]Ref{}, active: map[ssa.Value]bool{}, budget: maxVisits}
	xs, _ := w.of(stored)
	var out []Ref
	for _, x := range xs {
		for _, s := range simplify(x.Append(r.Path[1:]), depth+1) {
			if !contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// singleStore returns the value stored in alloc when that is the only store
// to it anywhere: its other uses are loads, and bindings of closures that
// only load it.
func singleStore(alloc *ssa.Alloc) ssa.Value {
	var stored ssa.Value
	for _, u := range *alloc.Referrers() {
		switch u := u.(type) {
		case *ssa.Store:
			if u.Addr != alloc || stored != nil {
				return nil
			}
			stored = u.Val
		case *ssa.UnOp:
			if u.Op != token.MUL {
				return nil
			}
		case *ssa.MakeClosure:
			if !onlyLoaded(u, alloc, 0) {
				return nil
			}
		case *ssa.DebugRef:
		default:
			return nil
		}
	}
	return stored
}

// onlyLoaded reports whether the closure made by mc only loads the free
// variable that v is bound to.
func onlyLoaded(mc *ssa.MakeClosure, v ssa.Value, depth int) bool {
	fn, ok := mc.Fn.(*ssa.Function)
	if !ok || depth > 4 {
		return false
	}
	for i, b := range mc.Bindings {
		if b != v {
			continue
		}
		fv := fn.FreeVars[i]
		for _, u := range *fv.Referrers() {
			switch u := u.(type) {
			case *ssa.UnOp:
				if u.Op != token.MUL {
					return false
				}
			case *ssa.MakeClosure:
				if !onlyLoaded(u, fv, depth+1) {
					return false
				}
			case *ssa.DebugRef:
			default:
				return false
			}
		}
	}
	return true
}

// walk is one resolution: a depth-first walk of the values v is computed
// from. Every value's Refs are found once (memo); a value met again while
// it is being resolved (a phi in a loop) contributes nothing on that path,
// and the values whose Refs depended on that cut are not remembered, since
// another path could reach them whole.
type walk struct {
	memo    map[ssa.Value][]Ref
	active  map[ssa.Value]bool
	budget  int
	capped  bool
	results func(*ssa.Call, int) ([]Ref, bool)
}

// of returns the Refs of v before simplification, and whether a cycle cut
// them short.
func (w *walk) of(v ssa.Value) ([]Ref, bool) {
	if rs, ok := w.memo[v]; ok {
		return rs, false
	}
	if w.active[v] {
		return nil, true
	}
	if w.budget <= 0 {
		w.capped = true
		return []Ref{{Kind: Local, Value: v}}, false
	}
	w.budget--
	w.active[v] = true
	out, cut := w.resolve(v)
	delete(w.active, v)
	if len(out) > maxRefs {
		w.capped = true
		out = []Ref{{Kind: Local, Value: v}}
	}
	if !cut {
		w.memo[v] = out
	}
	return out, cut
}

func (w *walk) resolve(v ssa.Value) (out []Ref, cut bool) {
	emit := func(r Ref) {
		if !contains(out, r) {
			out = append(out, r)
		}
	}
	with := func(x ssa.Value, steps string) {
		rs, c := w.of(x)
		cut = cut || c
		for _, r := range rs {
			r = r.Append(steps)
			if len(r.Path) > maxPath {
				r = Ref{Kind: Local, Value: v}
			}
			emit(r)
		}
	}
	switch v := v.(type) {
	case *ssa.Global:
		key := v.Name()
		if v.Pkg != nil {
			key = v.Pkg.Pkg.Path() + "." + v.Name()
		}
		emit(Ref{Kind: Global, Var: key})
	case *ssa.Parameter:
		emit(Ref{Kind: Param, Index: paramIndex(v)})
	case *ssa.FreeVar:
		emit(Ref{Kind: FreeVar, Index: freeVarIndex(v)})
	case *ssa.UnOp:
		if v.Op == token.MUL {
			with(v.X, "*")
			break
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
			break
		}
		with(v.X, "[]")
	case *ssa.Extract:
		if v.Index == 0 {
			switch t := v.Tuple.(type) {
			case *ssa.Lookup:
				with(t.X, "[]")
				return out, cut
			case *ssa.TypeAssert:
				with(t.X, "")
				return out, cut
			}
		}
		if call, ok := v.Tuple.(*ssa.Call); ok && w.results != nil {
			if rs, ok := w.results(call, v.Index); ok {
				for _, r := range rs {
					emit(r)
				}
				return out, cut
			}
		}
		emit(Ref{Kind: Local, Value: v})
	case *ssa.Call:
		if w.results != nil {
			if rs, ok := w.results(v, 0); ok {
				for _, r := range rs {
					emit(r)
				}
				return out, cut
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
	return out, cut
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
type TypeKey string

// FieldKey returns the TypeKey of field f of the struct type owner.
func FieldKey(owner types.Type, f string) TypeKey {
	return TypeKey(ownerName(owner) + "." + f)
}

// TypeKeyOf returns the TypeKey of the location v was loaded from.
func TypeKeyOf(v ssa.Value) TypeKey {
	return TypeKey(typeKey(v, 0, map[ssa.Value]bool{}))
}

// typeKey finds the first key through copies and phis. A value is looked
// at once: a phi met again would only repeat a search that found nothing.
func typeKey(v ssa.Value, depth int, seen map[ssa.Value]bool) string {
	if depth > 8 || seen[v] {
		return ""
	}
	seen[v] = true
	switch v := v.(type) {
	case *ssa.UnOp:
		if v.Op != token.MUL {
			break
		}
		// A variable assigned once (a result slot, a captured copy) is
		// the value assigned.
		if alloc, ok := v.X.(*ssa.Alloc); ok {
			if stored := singleStore(alloc); stored != nil {
				return typeKey(stored, depth+1, seen)
			}
		}
		return typeKey(v.X, depth+1, seen)
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
			if k := typeKey(e, depth+1, seen); k != "" {
				return k
			}
		}
	case *ssa.ChangeType:
		return typeKey(v.X, depth+1, seen)
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
