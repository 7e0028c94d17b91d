package engine

import (
	"cmp"
	"go/token"
	"go/types"
	"slices"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Calls of function values. A function may call a function value it does
// not know: a parameter, a free variable, a field. Goroutine helpers are
// the common case:
//
//	func (g *Group) Run(fn func()) {
//		g.wg.Add(1)
//		go func() { defer g.wg.Done(); fn() }()
//	}
//	...
//	g.Run(func() { m[k] = v }) // m is written on another goroutine
//
// The summary of such a function keeps each call of a value it was given
// (DynCall: the value's Ref, the arguments, the locks held) and each
// goroutine that runs one. Where the summary is applied and the value is a
// function literal or a function (a Local Ref rooted at it), the call is
// resolved: the literal's summary is applied there, with its arguments and
// captured variables, under the locks the callee held at the call. A value
// still unknown stays in the summary for the next caller. A field of a
// struct resolves to the functions this package stores in that field.
//
// Resolution is bounded (maxCallDepth): a literal that itself calls a
// value that resolves to a literal...

// maxCallDepth bounds nested resolutions of function values.
const maxCallDepth = 3

// DynCall is a call of a function value that the summarised function does
// not know.
type DynCall struct {
	Fn    ref.Ref     // the function value
	Field ref.TypeKey // when it was loaded from a struct field: the field at the type level
	Args  [][]ref.Ref // the arguments' Refs
	Locks LockSet     // locks held at the call
	Nils  []ref.Ref   // path conditions at the call
}

// target is a function a DynCall may call, with the Refs of its captured
// variables in the analysed function's namespace.
type target struct {
	fn    *ssa.Function
	binds [][]ref.Ref
}

// targets returns the functions dc may call, as far as the analysed
// function knows them.
func (a *funcAnalysis) targets(dc DynCall) []target {
	var out []target
	if dc.Fn.Kind == ref.Local && dc.Fn.Path == "" {
		if fn, binds := ops.FuncValue(dc.Fn.Value); fn != nil {
			out = append(out, target{fn, a.refsOfAll(binds)})
		}
	}
	if dc.Field != "" {
		for _, fn := range a.e.fieldFuncs()[dc.Field] {
			if len(fn.FreeVars) == 0 {
				out = append(out, target{fn: fn})
			}
		}
	}
	return out
}

// dynCall describes a call of the function value v with args, in the
// analysed function.
func (a *funcAnalysis) dynCall(v ssa.Value, args []ssa.Value) []DynCall {
	var out []DynCall
	field := a.e.typeKeyOf(v)
	for _, r := range a.e.refsOf(v) {
		out = append(out, DynCall{Fn: r, Field: field, Args: a.refsOfAll(args)})
	}
	return out
}

// resolve applies the summaries of the functions the dynamic calls in dcs
// may call, as seen from the analysed function: it returns what they do,
// named here, and the calls it could not resolve. The accesses happen in
// the call via (nil in a goroutine); with via nil and at valid, in a call
// at at of each target.
func (a *funcAnalysis) resolve(dcs []DynCall, via *Call, at token.Pos, depth int) (*Summary, []DynCall) {
	out := &Summary{}
	var left []DynCall
	for _, dc := range dcs {
		ts := a.targets(dc)
		if len(ts) == 0 || depth >= maxCallDepth {
			left = append(left, dc)
			continue
		}
		for _, t := range ts {
			sum := a.e.summary(t.fn)
			if sum == nil || sum.empty() {
				continue
			}
			call := via
			if call == nil && at.IsValid() {
				call = &Call{Fn: t.fn, Caller: a.fn, Pos: at}
			}
			sub := a.e.substSummary(sum, dc.Args, t.binds, a.fn, call)
			more, rest := a.resolve(sub.Calls, call, token.NoPos, depth+1)
			merge(sub, more)
			for i := range sub.Accesses {
				acc := &sub.Accesses[i]
				acc.Locks = dc.Locks.Union(acc.Locks)
				acc.Nils = unionOf(acc.Nils, dc.Nils)
			}
			merge(out, sub)
			out.Calls = nil
			left = append(left, rest...)
		}
	}
	out.Accesses = a.e.feasible(out.Accesses)
	return out, left
}

// resolveIn resolves the dynamic calls of a callee's summary, already named
// in the analysed function (and those of the goroutines it leaves running).
func (a *funcAnalysis) resolveIn(sum *Summary, via *Call) {
	more, left := a.resolve(sum.Calls, via, token.NoPos, 0)
	sum.Calls = nil
	merge(sum, more)
	sum.Calls = left
	for _, sp := range sum.Spawns {
		a.resolveGoroutine(sp)
	}
}

// resolveGoroutine resolves the dynamic calls a goroutine makes.
func (a *funcAnalysis) resolveGoroutine(g *Goroutine) {
	if len(g.Calls) == 0 {
		return
	}
	for _, dc := range g.Calls {
		for _, t := range a.targets(dc) {
			a.e.goroutineBody[t.fn] = true
		}
	}
	more, left := a.resolve(g.Calls, nil, token.NoPos, 0)
	if len(more.Accesses) > 0 {
		g.RunsValue = true
	}
	g.Accesses = append(g.Accesses, more.Accesses...)
	g.Dones = append(g.Dones, more.Dones...)
	g.Sends = append(g.Sends, more.Sends...)
	for _, sp := range more.Spawns {
		g.Accesses = append(g.Accesses, sp.Accesses...)
	}
	g.Calls = left
}

// merge adds what t does to s (accesses, synchronisation, goroutines),
// except t's lock effects: a function value's locks are its own business.
func merge(s, t *Summary) {
	s.Accesses = append(s.Accesses, t.Accesses...)
	s.Dones = append(s.Dones, t.Dones...)
	s.Sends = append(s.Sends, t.Sends...)
	s.Waits = append(s.Waits, t.Waits...)
	s.Recvs = append(s.Recvs, t.Recvs...)
	s.Spawns = append(s.Spawns, t.Spawns...)
	s.Calls = append(s.Calls, t.Calls...)
	s.NoReturn = s.NoReturn || t.NoReturn
}

// fieldFuncs returns, for each struct field of func type, the functions
// this package stores in it (s.onEvent = func() {...}, T{fn: handle}).
func (e *Engine) fieldFuncs() map[ref.TypeKey][]*ssa.Function {
	if e.funcFields != nil {
		return e.funcFields
	}
	e.funcFields = map[ref.TypeKey][]*ssa.Function{}
	for _, fn := range e.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				st, ok := instr.(*ssa.Store)
				if !ok {
					continue
				}
				if _, isField := st.Addr.(*ssa.FieldAddr); !isField {
					continue
				}
				f, _ := ops.FuncValue(st.Val)
				if f == nil {
					continue
				}
				k := ref.TypeKeyOf(st.Addr)
				if k != "" && !containsFunc(e.funcFields[k], f) {
					e.funcFields[k] = append(e.funcFields[k], f)
				}
			}
		}
	}
	return e.funcFields
}

func containsFunc(fs []*ssa.Function, f *ssa.Function) bool {
	for _, g := range fs {
		if g == f {
			return true
		}
	}
	return false
}

// Interface method calls. A call through an interface whose dynamic type
// this function made (MakeInterface of a known type) calls that type's
// method. Otherwise, when the interface is satisfied by at most
// maxInvokeTargets types of this package, the call may reach each of their
// methods, and their accesses are taken as the call's: a package's own
// implementations are the usual targets of its own interface calls (a
// plugin chain, a handler interface). Beyond that the call is not
// followed, as before.

const maxInvokeTargets = 4

// invokeTargets returns the methods an interface method call may run.
func (a *funcAnalysis) invokeTargets(c *ssa.CallCommon) []*ssa.Function {
	if !c.IsInvoke() {
		return nil
	}
	prog := a.fn.Prog
	if mi, ok := c.Value.(*ssa.MakeInterface); ok {
		if m := lookupMethod(prog, mi.X.Type(), c.Method); m != nil {
			return []*ssa.Function{m}
		}
		return nil
	}
	out := a.e.implementations(c, a.e.InTestFile(a.fn))
	if len(out) > maxInvokeTargets {
		return nil
	}
	return out
}

// implementations returns the methods of the package's types that an
// interface method call may run, in source order. Types declared in test
// files (fakes, test doubles) count only for calls in test files: what is
// said of the package's own code must not depend on whether its tests were
// loaded.
func (e *Engine) implementations(c *ssa.CallCommon, fromTest bool) []*ssa.Function {
	if !c.IsInvoke() || e.pkg == nil {
		return nil
	}
	iface, ok := c.Value.Type().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var out []*ssa.Function
	for _, mem := range e.pkg.Members {
		t, ok := mem.(*ssa.Type)
		if !ok || !fromTest && e.inTestFile(t.Pos()) {
			continue
		}
		for _, typ := range []types.Type{t.Type(), types.NewPointer(t.Type())} {
			if _, isIface := typ.Underlying().(*types.Interface); isIface || !types.Implements(typ, iface) {
				continue
			}
			if m := lookupMethod(e.pkg.Prog, typ, c.Method); m != nil && !containsFunc(out, m) {
				out = append(out, m)
			}
			break
		}
	}
	slices.SortFunc(out, func(x, y *ssa.Function) int { return cmp.Compare(x.Pos(), y.Pos()) })
	return out
}

func lookupMethod(prog *ssa.Program, t types.Type, m *types.Func) *ssa.Function {
	sel := prog.MethodSets.MethodSet(t).Lookup(m.Pkg(), m.Name())
	if sel == nil {
		return nil
	}
	return prog.MethodValue(sel)
}

// invokeSummary returns the effects of an interface method call whose
// targets are known here.
func (a *funcAnalysis) invokeSummary(c *ssa.CallCommon, pos token.Pos) *callInfo {
	targets := a.invokeTargets(c)
	if len(targets) == 0 {
		return nil
	}
	args := append([][]ref.Ref{a.e.refsOf(c.Value)}, a.refsOfAll(c.Args)...)
	out := &Summary{}
	var first *Call
	for _, fn := range targets {
		sum := a.e.summary(fn)
		if sum == nil || sum.empty() {
			continue
		}
		call := &Call{Fn: fn, Caller: a.fn, Pos: pos}
		if first == nil {
			first = call
		}
		sub := a.e.substSummary(sum, args, nil, a.fn, call)
		a.resolveIn(sub, call)
		sub.Acquires, sub.Releases = nil, nil // one target's locking is not every target's
		sub.NoReturn = false
		merge(out, sub)
	}
	if first == nil || out.empty() {
		return nil
	}
	return &callInfo{sum: out, call: first}
}
