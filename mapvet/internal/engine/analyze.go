package engine

import (
	"go/token"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// funcAnalysis is the analysis of one function: a pre-pass that finds its
// goroutine starts, deferred calls and calls with known effects, a forward
// dataflow to a fixed point, and a final pass that records what holds at
// each access, each goroutine start and each return.
type funcAnalysis struct {
	e     *Engine
	fn    *ssa.Function
	steps int // instructions visited (caps.go)

	gs      []*Goroutine
	goAt    map[ssa.Instruction][]int
	ds      []*Deferred
	deferAt map[ssa.Instruction]*deferInfo
	calls   map[ssa.Instruction]*callInfo
	dyn     map[ssa.Instruction][]DynCall // calls of function values not known here

	in map[*ssa.BasicBlock]*state

	// filled by the final pass
	nilErrRunning bits // goroutines running at a return with a possibly nil error
	res           *Result
	sum           *Summary
	exit          state
	overlaps      map[[2]int]bool
}

type callInfo struct {
	sum  *Summary // substituted into fn's namespace
	call *Call
}

type deferInfo struct {
	d      *Deferred
	joined bits // goroutines its waits and receives join
}

func (e *Engine) analyze(fn *ssa.Function) *Result {
	a := &funcAnalysis{
		e:        e,
		fn:       fn,
		goAt:     map[ssa.Instruction][]int{},
		deferAt:  map[ssa.Instruction]*deferInfo{},
		calls:    map[ssa.Instruction]*callInfo{},
		dyn:      map[ssa.Instruction][]DynCall{},
		in:       map[*ssa.BasicBlock]*state{},
		overlaps: map[[2]int]bool{},
	}
	a.res = &Result{Fn: fn}
	a.sum = &Summary{}
	if len(fn.Blocks) == 0 {
		a.res.Summary = a.sum
		return a.res
	}
	if !a.run() {
		e.caps.OverBudget = append(e.caps.OverBudget, fn.String())
		return &Result{Fn: fn, Summary: &Summary{}}
	}
	return a.res
}

// run analyses the function; it reports false when the function went over
// its step budget.
func (a *funcAnalysis) run() (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, over := r.(errBudget); !over {
				panic(r)
			}
			ok = false
		}
	}()
	a.prepass()
	a.solve()
	a.recordAll()
	return true
}

// prepass finds goroutine starts, deferred calls and summarised calls.
func (a *funcAnalysis) prepass() {
	for _, b := range a.fn.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case *ssa.Defer:
				a.deferAt[in] = &deferInfo{d: a.deferred(in)}
				continue
			case *ssa.Go:
				if s := ops.StartOf(in); s != nil {
					if g := a.start(s); g != nil {
						a.addGoroutine(in, g)
					}
				}
				continue
			}
			if s := ops.StartOf(instr); s != nil {
				if g := a.start(s); g != nil {
					a.addGoroutine(instr, g)
				}
				continue
			}
			for _, s := range ops.EntryPoints(instr) {
				// A server runs it for each request, many at once.
				if g := a.start(s); g != nil {
					g.Siblings = true
					a.addGoroutine(instr, g)
				}
			}
			call, ok := instr.(*ssa.Call)
			if !ok {
				continue
			}
			ci := a.callSummary(&call.Call, call.Pos())
			if ci == nil {
				ci = a.dynSummary(instr, &call.Call, call.Pos())
			}
			if ci == nil {
				ci = a.invokeSummary(&call.Call, call.Pos())
			}
			if ci == nil {
				continue
			}
			a.calls[instr] = ci
			for _, sp := range ci.sum.Spawns {
				g := *sp
				g.By = ci.call
				g.Pos = call.Pos()
				if g.OnError {
					g.ErrValue = errorOf(call)
				}
				a.addGoroutine(instr, &g)
			}
		}
	}
	for _, di := range a.deferAt {
		di.joined = a.joinedBy(di.d.Waits, di.d.Recvs)
	}
}

func (a *funcAnalysis) addGoroutine(instr ssa.Instruction, g *Goroutine) {
	if len(a.gs) >= a.e.limits.Goroutines {
		a.e.caps.Goroutines++
		return
	}
	g.Index = len(a.gs)
	g.Instr = instr
	a.gs = append(a.gs, g)
	a.goAt[instr] = append(a.goAt[instr], g.Index)
}

// start describes a goroutine start with the started function's effects
// named in this function's namespace, or nil when nothing is known of it.
func (a *funcAnalysis) start(s *ops.Start) *Goroutine {
	var sub *Summary
	switch {
	case s.Fn != nil:
		sum := a.e.summary(s.Fn)
		if sum == nil {
			sum = &Summary{} // a function of another package with nothing known
		}
		sub = a.e.substSummary(sum, a.refsOfAll(s.Args), a.refsOfAll(s.Binds), a.fn, nil)
	case s.Value != nil:
		// go fn(): a function value; known here, or to a caller.
		sub = &Summary{Calls: a.dynCall(s.Value, s.Args)}
	case s.Invoke != nil:
		ci := a.invokeSummary(s.Invoke, s.Pos)
		if ci == nil {
			return nil
		}
		sub = ci.sum
	default:
		return nil
	}
	g := &Goroutine{
		Kind:     s.Kind,
		Origin:   a.fn.String(),
		Pos:      s.Pos,
		Start:    s.Pos,
		Accesses: sub.Accesses,
		Dones:    sub.Dones,
		Sends:    sub.Sends,
	}
	// Goroutines the started function leaves running act on its behalf.
	for _, sp := range sub.Spawns {
		g.Accesses = append(g.Accesses, sp.Accesses...)
		g.Dones = append(g.Dones, sp.Dones...)
		g.Sends = append(g.Sends, sp.Sends...)
		g.Calls = append(g.Calls, sp.Calls...)
	}
	g.Calls = append(g.Calls, sub.Calls...)
	a.resolveGoroutine(g)
	g.Accesses = a.e.compact(a.e.feasible(g.Accesses))
	if s.Group != nil {
		g.Groups = a.e.refsOf(s.Group)
	}
	return g
}

// deferred describes what a deferred call does when it runs.
func (a *funcAnalysis) deferred(in *ssa.Defer) *Deferred {
	d := &Deferred{Index: len(a.ds), Pos: in.Pos()}
	if fn, _ := ops.Callee(&in.Call); fn != nil && fn.Parent() != nil {
		d.Literal = true
	}
	a.ds = append(a.ds, d)
	for _, op := range ops.SyncOps(in) {
		switch op.Kind {
		case ops.Unlock, ops.RUnlock:
			d.Unlocks = append(d.Unlocks, a.e.refsOf(op.Obj)...)
		case ops.Wait:
			d.Waits = append(d.Waits, a.e.refsOf(op.Obj)...)
		case ops.WaitGroupDone:
			a.sum.Dones = append(a.sum.Dones, a.e.refsOf(op.Obj)...)
		case ops.ChanSend, ops.ChanClose:
			a.sum.Sends = append(a.sum.Sends, a.e.refsOf(op.Obj)...)
		}
	}
	for _, op := range ops.MapOps(in) {
		d.Accesses = append(d.Accesses, a.access(op, nil)...)
	}
	if ci := a.callSummary(&in.Call, in.Pos()); ci != nil {
		a.sum.Dones = append(a.sum.Dones, ci.sum.Dones...)
		a.sum.Sends = append(a.sum.Sends, ci.sum.Sends...)
		d.Accesses = append(d.Accesses, a.e.feasible(ci.sum.Accesses)...)
		d.Unlocks = append(d.Unlocks, ci.sum.Releases...)
		d.Waits = append(d.Waits, ci.sum.Waits...)
		d.Recvs = append(d.Recvs, ci.sum.Recvs...)
	}
	return d
}

// callSummary returns the effects of a call to a function with a summary,
// named in this function's namespace.
func (a *funcAnalysis) callSummary(c *ssa.CallCommon, pos token.Pos) *callInfo {
	callee, binds := ops.Callee(c)
	if callee == nil || ops.OnceCall(callee) {
		return nil
	}
	sum := a.e.summary(callee)
	if sum == nil || sum.empty() {
		return nil
	}
	call := &Call{Fn: callee, Caller: a.fn, Pos: pos, Recv: a.recvName(callee, c)}
	sub := a.e.substSummary(sum, a.refsOfAll(c.Args), a.refsOfAll(binds), a.fn, call)
	a.resolveIn(sub, call)
	return &callInfo{sum: sub, call: call}
}

// dynSummary returns the effects of a call of a function value that is
// known here; what is not known is kept in a.dyn for the summary.
func (a *funcAnalysis) dynSummary(instr ssa.Instruction, c *ssa.CallCommon, pos token.Pos) *callInfo {
	if c.IsInvoke() || c.StaticCallee() != nil {
		return nil
	}
	if _, builtin := c.Value.(*ssa.Builtin); builtin {
		return nil
	}
	if fn, _ := ops.FuncValue(c.Value); fn != nil {
		return nil // a closure called directly: callSummary's, when it has one
	}
	dcs := a.dynCall(c.Value, c.Args)
	more, left := a.resolve(dcs, nil, pos, 0)
	if len(left) > 0 {
		a.dyn[instr] = left
	}
	if more.empty() {
		return nil
	}
	// The call, as goroutines it leaves running name it: the first target.
	for _, dc := range dcs {
		if ts := a.targets(dc); len(ts) > 0 {
			return &callInfo{sum: more, call: &Call{Fn: ts[0].fn, Caller: a.fn, Pos: pos}}
		}
	}
	return nil
}

// recvName is a method call's receiver as the program spells it, when it
// has a name ("s", "s.conn"; not "the result of f").
func (a *funcAnalysis) recvName(callee *ssa.Function, c *ssa.CallCommon) string {
	if callee.Parent() != nil || callee.Signature.Recv() == nil || len(c.Args) == 0 {
		return ""
	}
	if rs := a.e.refsOf(c.Args[0]); len(rs) == 1 {
		if n := a.e.Name(rs[0], a.fn); !strings.HasPrefix(n, "the ") {
			return n
		}
	}
	return ""
}

func (a *funcAnalysis) refsOfAll(vs []ssa.Value) [][]ref.Ref {
	out := make([][]ref.Ref, len(vs))
	for i, v := range vs {
		out[i] = a.e.refsOf(v)
	}
	return out
}

// access turns a map operation of this function into Accesses (one per
// Ref the map value may be).
func (a *funcAnalysis) access(op ops.MapOp, locks LockSet) []Access {
	var out []Access
	key := a.e.typeKeyOf(op.Map)
	refs := a.e.refsOf(op.Map)
	switch {
	case op.Path != "": // a map field of a printed or encoded value
		key = ref.FieldKey(op.Owner, op.Field)
		var in []ref.Ref
		for _, r := range refs {
			in = append(in, r.Append(op.Path))
		}
		refs = in
	case a.detached(op.Map):
		refs, key = []ref.Ref{{Kind: ref.Local, Value: op.Map}}, ""
	}
	for _, r := range refs {
		if r.Kind == ref.Global && a.e.initOnly[r.Var] && !isInitFunc(a.fn) {
			continue // nil once initialization is over
		}
		out = append(out, Access{
			Ref:     r,
			Name:    a.e.Name(r, a.fn),
			TypeKey: key,
			Kind:    op.Kind,
			Verb:    op.Verb,
			Pos:     op.Pos,
			Op:      op.Pos,
			Locks:   locks,
			Fresh:   a.e.fresh(r),
		})
	}
	return out
}

// detached reports whether v is a map loaded from a field or variable that
// the function then overwrites: the swap idiom
//
//	mu.Lock()
//	old := s.m
//	s.m = make(map[K]V)
//	mu.Unlock()
//	for k := range old { ... }
//
// after which the loaded map is the function's own, whatever the location
// it came from now holds.
func (a *funcAnalysis) detached(v ssa.Value) bool {
	load, ok := v.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return false
	}
	from := a.e.refsOf(load.X)
	if len(from) != 1 {
		return false
	}
	for _, b := range a.fn.Blocks {
		for i, instr := range b.Instrs {
			st, ok := instr.(*ssa.Store)
			if !ok || !load.Block().Dominates(b) {
				continue
			}
			if b == load.Block() && i < indexOf(b, load) {
				continue
			}
			if to := a.e.refsOf(st.Addr); len(to) == 1 && to[0] == from[0] {
				return true
			}
		}
	}
	return false
}

func indexOf(b *ssa.BasicBlock, instr ssa.Instruction) int {
	for i, x := range b.Instrs {
		if x == instr {
			return i
		}
	}
	return -1
}

// fresh reports whether r is a map made in this function, or a field of a
// struct allocated in it (a constructor filling its result).
func (e *Engine) fresh(r ref.Ref) bool {
	if r.Kind != ref.Local {
		return false
	}
	v := r.Value
	if x, ok := v.(*ssa.Extract); ok {
		v = x.Tuple
	}
	switch v := v.(type) {
	case *ssa.MakeMap:
		return r.Path == ""
	case *ssa.Alloc:
		return len(r.Path) > 2 && r.Path[:2] == "*." && !copied(v)
	case *ssa.Call:
		// A constructor's new struct (newKeyRegistry(opt)), being filled.
		return len(r.Path) > 2 && r.Path[:2] == "*." && e.FreshValue(r.Value)
	}
	return false
}

// constructorName reports whether a function's name says it makes a new
// value: New, NewX, newX, Make..., make...
func constructorName(name string) bool {
	for _, p := range []string{"New", "new", "Make", "make"} {
		if rest, ok := strings.CutPrefix(name, p); ok && (rest == "" || rest[0] >= 'A' && rest[0] <= 'Z') {
			return true
		}
	}
	return false
}

// copied reports whether a whole value from elsewhere is stored in alloc:
// a copy of a parameter (a value receiver), of a loaded struct. Its maps are
// the original's, not new ones. A composite literal (built in place, or in
// a temporary and copied in) and a zero value are new.
func copied(alloc *ssa.Alloc) bool { return copiedDepth(alloc, 0) }

func copiedDepth(alloc *ssa.Alloc, depth int) bool {
	for _, u := range *alloc.Referrers() {
		st, ok := u.(*ssa.Store)
		if !ok || st.Addr != alloc {
			continue
		}
		switch v := st.Val.(type) {
		case *ssa.Const:
			continue
		case *ssa.UnOp:
			if tmp, ok := v.X.(*ssa.Alloc); ok && v.Op == token.MUL && depth < 4 && !copiedDepth(tmp, depth+1) {
				continue
			}
		}
		return true
	}
	return false
}

// joinedBy returns the goroutines that a wait on waits or a receive from
// recvs waits for.
func (a *funcAnalysis) joinedBy(waits, recvs []ref.Ref) bits {
	var b bits
	for _, g := range a.gs {
		if intersects(waits, g.Groups) || intersects(waits, g.Dones) || intersects(recvs, g.Sends) {
			b = b.with(g.Index)
		}
	}
	return b
}
