package engine

import (
	"go/types"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Returned maps. A method may hand out the map its lock guards:
//
//	func (s *Scheduler) jobsMap() map[int]*job {
//		s.mu.Lock()
//		defer s.mu.Unlock()
//		return s.jobs // not a copy
//	}
//	...
//	delete(s.jobsMap(), id) // writes s.jobs after s.mu was released
//
// A summary says what each result is when that is known for every return
// statement and portable (a parameter's field, a package variable):
// Summary.Returns, carried by facts. The Refs of a call's result are then
// those, named in the caller (ref.Resolver.Results), so the delete above is
// a write to s.jobs, with the locks its caller holds — none — and the
// guard of s.jobs applies. A return of a new map (a make, a literal, a
// copy's result, nil) adds nothing: the caller owns that one. So a helper
// that hands out a package-level default on one path and a new map on the
// others returns the default, which a caller writing the result writes
// (client_golang's promhttp `labels` returning `emptyLabels`,
// prometheus/client_golang#1274).

// returns fills a.sum.Returns and ReturnKeys from the function's reachable
// return statements.
func (a *funcAnalysis) returns() {
	n := a.fn.Signature.Results().Len()
	if n == 0 {
		return
	}
	rets := make([][]ref.Ref, n)
	keys := make([]ref.TypeKey, n)
	known := make([]bool, n)
	for i := range known {
		known[i] = true
	}
	keySeen := make([]bool, n)
	seen := false
	for _, b := range a.fn.Blocks {
		if in := a.in[b]; in == nil || !in.live || len(b.Instrs) == 0 {
			continue
		}
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		for i, v := range ret.Results {
			if !known[i] || !ops.IsMap(v.Type()) && !isPointer(v.Type()) {
				known[i] = false
				continue
			}
			if ops.IsMap(v.Type()) && a.e.newValue(stored(ret, v), 0) {
				continue // the caller's own map
			}
			rs := a.e.refsOf(v)
			for _, r := range rs {
				if !r.Portable() {
					known[i] = false
				}
			}
			rets[i], _ = unionRefs(rets[i], rs)
			k := a.e.typeKeyOf(v)
			if keySeen[i] && keys[i] != k {
				k = ""
			}
			keys[i], keySeen[i] = k, true
		}
		seen = true
	}
	if !seen {
		return
	}
	any := false
	for i := range rets {
		if !known[i] || len(rets[i]) == 0 {
			rets[i], keys[i] = nil, ""
		} else {
			any = true
		}
	}
	if any {
		a.sum.Returns, a.sum.ReturnKeys = rets, keys
	}
}

// freshResults fills a.sum.FreshResults: a result is fresh when every
// reachable return gives a new allocation or nil (`return &Template{...}`,
// a copy method, a constructor whatever its name).
func (a *funcAnalysis) freshResults() {
	n := a.fn.Signature.Results().Len()
	fresh := make([]bool, n)
	for i := range fresh {
		fresh[i] = true
	}
	seen := false
	for _, b := range a.fn.Blocks {
		if in := a.in[b]; in == nil || !in.live || len(b.Instrs) == 0 {
			continue
		}
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || len(ret.Results) != n {
			continue
		}
		seen = true
		for i, v := range ret.Results {
			fresh[i] = fresh[i] && a.e.newValue(stored(ret, v), 0)
		}
	}
	if !seen {
		return
	}
	for _, f := range fresh {
		if f {
			a.sum.FreshResults = fresh
			return
		}
	}
}

// newValue reports whether v is a new allocation or nil.
func (e *Engine) newValue(v ssa.Value, depth int) bool {
	if depth > 4 {
		return false
	}
	switch v := v.(type) {
	case *ssa.Alloc:
		return v.Heap
	case *ssa.MakeMap, *ssa.MakeChan, *ssa.MakeSlice:
		return true
	case *ssa.Const:
		return v.IsNil()
	case *ssa.MakeInterface:
		return e.newValue(v.X, depth+1)
	case *ssa.ChangeType:
		return e.newValue(v.X, depth+1)
	case *ssa.Phi:
		for _, x := range v.Edges {
			if !e.newValue(x, depth+1) {
				return false
			}
		}
		return len(v.Edges) > 0
	case *ssa.Call, *ssa.Extract:
		return e.freshResult(v)
	}
	return false
}

// FreshValue reports whether v, a call's result, is a new object the
// caller holds the only reference to: the callee's summary says so, or,
// for a function without one (the standard library's), its name says it
// makes one (New, NewX, newX, Make..., make...).
func (e *Engine) FreshValue(v ssa.Value) bool {
	call, _ := resultOf(v)
	if call == nil || call.Call.IsInvoke() {
		return false
	}
	if fn := call.Call.StaticCallee(); fn != nil && constructorName(fn.Name()) {
		return true
	}
	return e.freshResult(v)
}

// freshResult reports whether the callee's summary says v, one of a call's
// results, is a new allocation.
func (e *Engine) freshResult(v ssa.Value) bool {
	call, i := resultOf(v)
	if call == nil {
		return false
	}
	callee, _ := ops.Callee(&call.Call)
	if callee == nil {
		return false
	}
	sum := e.summary(callee)
	return sum != nil && i < len(sum.FreshResults) && sum.FreshResults[i]
}

// resultOf returns the call v is a result of, and which result.
func resultOf(v ssa.Value) (*ssa.Call, int) {
	switch v := v.(type) {
	case *ssa.Call:
		return v, 0
	case *ssa.Extract:
		if c, ok := v.Tuple.(*ssa.Call); ok {
			return c, v.Index
		}
	}
	return nil, 0
}

// isPointer reports whether t is a pointer: a getter handing out one of its
// receiver's structs (rt.Members() returning rt.members) is followed like
// a map.
func isPointer(t types.Type) bool {
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

// callResults is the engine's ref.Resolver.Results: the Refs result i of
// call may be, from the callee's summary.
func (e *Engine) callResults(call *ssa.Call, i int) ([]ref.Ref, bool) {
	callee, binds := ops.Callee(&call.Call)
	if callee == nil {
		return nil, false
	}
	sum := e.summary(callee)
	if sum == nil || i >= len(sum.Returns) || sum.Returns[i] == nil {
		return nil, false
	}
	params := make([][]ref.Ref, len(call.Call.Args))
	for j, arg := range call.Call.Args {
		params[j] = e.refsOf(arg)
	}
	frees := make([][]ref.Ref, len(binds))
	for j, b := range binds {
		frees[j] = e.refsOf(b)
	}
	out := substRefs(sum.Returns[i], params, frees)
	return out, len(out) > 0
}

// callResultKey returns the TypeKey of a call's result from the callee's
// summary, or "".
func (e *Engine) callResultKey(v ssa.Value) ref.TypeKey {
	var call *ssa.Call
	i := 0
	switch v := v.(type) {
	case *ssa.Call:
		call = v
	case *ssa.Extract:
		call, _ = v.Tuple.(*ssa.Call)
		i = v.Index
	}
	if call == nil {
		return ""
	}
	callee, _ := ops.Callee(&call.Call)
	if callee == nil {
		return ""
	}
	sum := e.summary(callee)
	if sum == nil || i >= len(sum.ReturnKeys) {
		return ""
	}
	return sum.ReturnKeys[i]
}
