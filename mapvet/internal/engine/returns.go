package engine

import (
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
// guard of s.jobs applies. A result that is sometimes a fresh map (a copy,
// a make) stays unknown.

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
			if !known[i] || !ops.IsMap(v.Type()) {
				known[i] = false
				continue
			}
			rs := a.e.refsOf(v)
			for _, r := range rs {
				if !r.Portable() {
					known[i] = false
				}
			}
			rets[i], _ = unionRefs(rets[i], rs)
			k := a.e.typeKeyOf(v)
			if seen && keys[i] != k {
				k = ""
			}
			keys[i] = k
		}
		seen = true
	}
	if !seen {
		return
	}
	any := false
	for i := range rets {
		if !known[i] {
			rets[i], keys[i] = nil, ""
		} else {
			any = true
		}
	}
	if any {
		a.sum.Returns, a.sum.ReturnKeys = rets, keys
	}
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
