package engine

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// Goroutines left running only on error. A function may wait for its
// goroutine on every path but one that gives up with an error:
//
//	func (st *tester) readFrame() (frame, error) {
//		go func() { fr, err := st.fr.ReadFrame(); if err != nil { st.errc <- err } else { st.frc <- fr } }()
//		select {
//		case f := <-st.frc: return f, nil
//		case err := <-st.errc: return nil, err
//		case <-timer.C: return nil, errors.New("timeout") // the goroutine may still run
//		}
//	}
//
// and its callers stop on an error (t.Fatal, return). A summary marks a
// goroutine it leaves running OnError when every return at which it may
// still run returns an error that is not nil; a caller then drops it on
// the path where the call's error is nil (`if err != nil { ... }`'s else).
// (gRPC's serverTester.readFrame, 54 false findings in its tests.)

// errorResult returns the error result of a return, when the function's
// last result is an error.
func errorResult(fn *ssa.Function, ret *ssa.Return) ssa.Value {
	res := fn.Signature.Results()
	if res.Len() == 0 || len(ret.Results) != res.Len() || !isError(res.At(res.Len()-1).Type()) {
		return nil
	}
	return stored(ret, ret.Results[len(ret.Results)-1])
}

// stored looks through the way a function with defers returns: each return
// statement stores its results in locals, runs the defers and loads them
// back (`*t1 = nil; rundefers; t12 = *t1; return t11, t12`). It returns the
// value last stored before ret in ret's block, or v itself.
func stored(ret *ssa.Return, v ssa.Value) ssa.Value {
	load, ok := v.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return v
	}
	local, ok := load.X.(*ssa.Alloc)
	if !ok || local.Heap {
		return v
	}
	instrs := ret.Block().Instrs
	for i := len(instrs) - 1; i >= 0; i-- {
		if st, ok := instrs[i].(*ssa.Store); ok && st.Addr == local {
			return st.Val
		}
	}
	return v
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// nonNil reports whether an error value is never nil: a new error
// (errors.New, fmt.Errorf, a constructor), a concrete value turned into an
// error, or a choice of those.
func nonNil(v ssa.Value, depth int) bool {
	if depth > 4 {
		return false
	}
	switch v := v.(type) {
	case *ssa.MakeInterface:
		return true
	case *ssa.Call:
		if fn := v.Call.StaticCallee(); fn != nil {
			switch n := fn.Name(); {
			case n == "Errorf", n == "New" && fn.Pkg != nil && fn.Pkg.Pkg.Path() == "errors":
				return true
			}
		}
	case *ssa.Phi:
		for _, e := range v.Edges {
			if !nonNil(e, depth+1) {
				return false
			}
		}
		return len(v.Edges) > 0
	}
	return false
}

// noteReturn records, at a return, which running goroutines it may leave
// running with a nil error (those are not OnError).
func (a *funcAnalysis) noteReturn(st *state, ret *ssa.Return) {
	if ev := errorResult(a.fn, ret); ev != nil && nonNil(ev, 0) {
		return
	}
	st.running.each(func(g int) { a.nilErrRunning = a.nilErrRunning.with(g) })
}

// errorOf returns the value of a call's error result in the caller, or nil.
func errorOf(call *ssa.Call) ssa.Value {
	res := call.Call.Signature().Results()
	if res.Len() == 0 || !isError(res.At(res.Len()-1).Type()) {
		return nil
	}
	if res.Len() == 1 {
		return call
	}
	for _, u := range *call.Referrers() {
		if x, ok := u.(*ssa.Extract); ok && x.Index == res.Len()-1 {
			return x
		}
	}
	return nil
}

// errNilEdge returns the error value that the i'th out-edge of iff is
// taken only when nil: `if err != nil` (edge 1) or `if err == nil` (0).
func errNilEdge(iff *ssa.If, i int) ssa.Value {
	cmp, ok := iff.Cond.(*ssa.BinOp)
	if !ok || !(cmp.Op == token.NEQ && i == 1 || cmp.Op == token.EQL && i == 0) {
		return nil
	}
	x, y := cmp.X, cmp.Y
	if c, ok := x.(*ssa.Const); ok && c.IsNil() {
		x, y = y, x
	}
	if c, ok := y.(*ssa.Const); !ok || !c.IsNil() || !isError(x.Type()) {
		return nil
	}
	return x
}

// joinedOnNilError returns the goroutines a path where err is nil drops:
// those started by the call err comes from, running only on error.
func (a *funcAnalysis) joinedOnNilError(err ssa.Value) bits {
	var out bits
	for _, g := range a.gs {
		if g.OnError && g.ErrValue == err {
			out = out.with(g.Index)
		}
	}
	return out
}

// errorResultType reports whether fn's last result is an error.
func errorResultType(fn *ssa.Function) bool {
	res := fn.Signature.Results()
	return res.Len() > 0 && isError(res.At(res.Len()-1).Type())
}
