package engine

import (
	"go/constant"
	"go/token"
	"go/types"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// solve runs the forward dataflow to a fixed point. Lock sets only shrink
// and the may-sets only grow, so it terminates.
func (a *funcAnalysis) solve() {
	entry := a.fn.Blocks[0]
	a.in[entry] = &state{live: true}
	work := []*ssa.BasicBlock{entry}
	queued := map[*ssa.BasicBlock]bool{entry: true}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		queued[b] = false
		st := a.in[b].clone()
		for _, instr := range b.Instrs {
			a.step()
			a.transfer(st, instr, false)
			if !st.live {
				break // a call that never returns
			}
		}
		for i, succ := range b.Succs {
			if !st.live {
				break
			}
			if !taken(b, i) {
				continue
			}
			out := a.edge(st, b, i)
			if a.in[succ] == nil {
				a.in[succ] = &state{}
			}
			if a.in[succ].join(out) && !queued[succ] {
				queued[succ] = true
				work = append(work, succ)
			}
		}
	}
}

// taken reports whether the i'th out-edge of b can be taken: the branch of
// `if debug { ... }` with a false constant is dead code.
func taken(b *ssa.BasicBlock, i int) bool {
	if len(b.Instrs) == 0 {
		return true
	}
	iff, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok {
		return true
	}
	c, ok := iff.Cond.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.Bool {
		return true
	}
	return constant.BoolVal(c.Value) == (i == 0)
}

// edge returns the state on the i'th out-edge of b: the true edge of
// `if mu.TryLock()` holds the lock; the edge of `if x == nil` where x is
// nil has x in its nils; the edges of `if v` know v (condlock.go).
func (a *funcAnalysis) edge(st *state, b *ssa.BasicBlock, i int) *state {
	if len(b.Instrs) == 0 {
		return st
	}
	iff, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok {
		return st
	}
	out := st
	if r, ok := a.nilCheck(iff, i); ok && !containsRef(st.nils, r) {
		out = out.clone()
		out.nils = append(append([]ref.Ref(nil), st.nils...), r)
	}
	if call, ok := iff.Cond.(*ssa.Call); ok && i == 0 {
		for _, op := range ops.SyncOps(call) {
			if op.Kind == ops.TryLock || op.Kind == ops.TryRLock {
				out = out.clone()
				a.lock(out, op, op.Kind == ops.TryRLock)
			}
		}
	}
	if _, isConst := iff.Cond.(*ssa.Const); !isConst {
		out = learn(out, iff.Cond, i == 0)
	}
	if i == 0 && out.live {
		if j := a.selectCaseJoins(iff); len(j) > 0 {
			out = out.clone()
			out.running = out.running.minus(j)
		}
	}
	if err := errNilEdge(iff, i); err != nil && out.live {
		if j := a.joinedOnNilError(err); len(j) > 0 {
			out = out.clone()
			out.running = out.running.minus(j)
		}
	}
	return out
}

// nilCheck returns the map that the i'th out-edge of iff is taken only when
// nil: `if m == nil` (edge 0) or `if m != nil` (edge 1), m a map whose
// location has one Ref.
func (a *funcAnalysis) nilCheck(iff *ssa.If, i int) (ref.Ref, bool) {
	cmp, ok := iff.Cond.(*ssa.BinOp)
	if !ok || !(cmp.Op == token.EQL && i == 0 || cmp.Op == token.NEQ && i == 1) {
		return ref.Ref{}, false
	}
	x := cmp.X
	if c, ok := x.(*ssa.Const); ok && c.IsNil() {
		x = cmp.Y
	} else if c, ok := cmp.Y.(*ssa.Const); !ok || !c.IsNil() {
		return ref.Ref{}, false
	}
	if !ops.IsMap(x.Type()) {
		return ref.Ref{}, false
	}
	rs := a.e.refsOf(x)
	if len(rs) != 1 {
		return ref.Ref{}, false
	}
	return rs[0], true
}

// transfer applies instr to st. With rec set (the final pass) it also
// records accesses, goroutine overlaps, exits and the summary.
func (a *funcAnalysis) transfer(st *state, instr ssa.Instruction, rec bool) {
	switch x := instr.(type) {
	case *ssa.Defer:
		a.registerDefer(st, a.deferAt[x])
		return
	case *ssa.Return:
		if rec {
			a.exit.join(st)
			a.noteReturn(st, x)
		}
		return
	}
	if _, isGo := instr.(*ssa.Go); isGo {
		a.startAll(st, instr, rec)
		return
	}
	// A call that leaves goroutines running made its own accesses before
	// it returned: they are recorded before its goroutines start running
	// here (a race between a callee and the goroutine it starts is the
	// callee's to report, where the order is known).
	defer a.startAll(st, instr, rec)
	for _, op := range ops.SyncOps(instr) {
		a.syncOp(st, op, rec)
	}
	if sel, ok := instr.(*ssa.Select); ok {
		st.running = st.running.minus(a.selectJoins(sel))
	}
	if ci := a.calls[instr]; ci != nil {
		if rec {
			for _, acc := range ci.sum.Accesses {
				acc.Here = st.locks
				acc.Locks = st.locks.Union(acc.Locks)
				acc.Nils = unionOf(acc.Nils, st.nils)
				a.record(st, acc)
			}
			a.sum.Dones = append(a.sum.Dones, ci.sum.Dones...)
			a.sum.Sends = append(a.sum.Sends, ci.sum.Sends...)
			a.sum.Waits = append(a.sum.Waits, ci.sum.Waits...)
			a.sum.Recvs = append(a.sum.Recvs, ci.sum.Recvs...)
			a.recordCalls(st, ci.sum.Calls)
		}
		for _, h := range ci.sum.Acquires {
			st.locks = st.locks.With(h)
		}
		for _, r := range ci.sum.Releases {
			a.unlock(st, r, rec)
		}
		st.running = st.running.minus(a.joinedBy(ci.sum.Waits, ci.sum.Recvs))
	}
	if rec {
		a.recordCalls(st, a.dyn[instr])
		for _, op := range ops.MapOps(instr) {
			for _, acc := range a.access(op, st.locks) {
				acc.Here = st.locks
				acc.Nils = st.nils
				a.record(st, acc)
			}
		}
	}
	if call, ok := instr.(*ssa.Call); ok && (ops.NoReturn(&call.Call) || a.calls[instr] != nil && a.calls[instr].sum.NoReturn) {
		st.live = false // the path ends here: later code, and deferred calls, never run
	}
}

// startAll marks the goroutines instr starts as running.
func (a *funcAnalysis) startAll(st *state, instr ssa.Instruction, rec bool) {
	for _, g := range a.goAt[instr] {
		if rec {
			st.running.each(func(o int) { a.overlaps[[2]int{o, g}] = true })
		}
		st.running = st.running.with(g)
	}
}

// recordCalls adds dynamic calls made at this point to the summary, with
// the locks held and the path conditions here.
func (a *funcAnalysis) recordCalls(st *state, dcs []DynCall) {
	for _, dc := range dcs {
		dc.Locks = st.locks.Union(dc.Locks)
		dc.Nils = unionOf(dc.Nils, st.nils)
		a.sum.Calls = append(a.sum.Calls, dc)
	}
}

func (a *funcAnalysis) record(st *state, acc Access) {
	if a.e.infeasible(acc.Nils) {
		return // only reached when a map that is never nil is nil
	}
	var running []int
	st.running.each(func(g int) { running = append(running, g) })
	a.res.Accesses = append(a.res.Accesses, acc)
	a.res.Running = append(a.res.Running, running)
}

// selectJoins returns the goroutines a select joins whichever case it
// takes: a blocking select whose cases all receive, each from a channel the
// goroutine sends on, as in
//
//	go func() { r, err := f(); if err != nil { errc <- err; return }; resc <- r }()
//	select { case r := <-resc: ...; case err := <-errc: ... }
//
// (A receive joins the goroutines that send on its channel, as for a plain
// receive; a send case, a default, or a case on another channel such as
// ctx.Done() joins nothing.)
func (a *funcAnalysis) selectJoins(sel *ssa.Select) bits {
	if !sel.Blocking || len(sel.States) == 0 {
		return nil
	}
	var joined bits
	for i, st := range sel.States {
		if st.Dir != types.RecvOnly {
			return nil
		}
		j := a.joinedBy(nil, a.e.refsOf(st.Chan))
		if i == 0 {
			joined = j
		} else {
			joined = joined.and(j)
		}
	}
	return joined
}

// selectCaseJoins returns the goroutines joined on the path where a
// select took one receive case: `if index == k` after the select, case k
// receiving from a channel they send on. (The select's other cases, a
// timeout, may leave them running.)
func (a *funcAnalysis) selectCaseJoins(iff *ssa.If) bits {
	cmp, ok := iff.Cond.(*ssa.BinOp)
	if !ok || cmp.Op != token.EQL {
		return nil
	}
	x, ok := cmp.X.(*ssa.Extract)
	k, ok2 := cmp.Y.(*ssa.Const)
	if !ok || !ok2 || x.Index != 0 || k.Value == nil || k.Value.Kind() != constant.Int {
		return nil
	}
	sel, ok := x.Tuple.(*ssa.Select)
	if !ok {
		return nil
	}
	n, exact := constant.Int64Val(k.Value)
	if !exact || n < 0 || int(n) >= len(sel.States) || sel.States[n].Dir != types.RecvOnly {
		return nil
	}
	return a.joinedBy(nil, a.e.refsOf(sel.States[n].Chan))
}

func (a *funcAnalysis) syncOp(st *state, op ops.SyncOp, rec bool) {
	switch op.Kind {
	case ops.Lock, ops.RLock:
		a.lock(st, op, op.Kind == ops.RLock)
	case ops.Unlock, ops.RUnlock:
		for _, r := range a.e.refsOf(op.Obj) {
			a.unlock(st, r, rec)
		}
	case ops.Wait:
		rs := a.e.refsOf(op.Obj)
		st.running = st.running.minus(a.joinedBy(rs, nil))
		if rec {
			a.sum.Waits = append(a.sum.Waits, rs...)
		}
	case ops.ChanRecv:
		rs := a.e.refsOf(op.Obj)
		st.running = st.running.minus(a.joinedBy(nil, rs))
		if rec {
			a.sum.Recvs = append(a.sum.Recvs, rs...)
		}
	case ops.WaitGroupDone:
		if rec {
			a.sum.Dones = append(a.sum.Dones, a.e.refsOf(op.Obj)...)
		}
	case ops.ChanSend, ops.ChanClose:
		if rec {
			a.sum.Sends = append(a.sum.Sends, a.e.refsOf(op.Obj)...)
		}
	}
}

// lock adds the lock op takes to st. A lock that may be one of several
// mutexes (c.mu after `if cond { c = c.parent }`) adds them all: the code
// that follows reaches its data through the same choice, so for the map
// behind that choice its own mutex is the one held. (This can take
// `l.Lock(); a.m[k]++` with l either &a.mu or &b.mu for holding a.mu; code
// like that is rare, and the other choice would report every
// parent-or-self method.)
func (a *funcAnalysis) lock(st *state, op ops.SyncOp, shared bool) {
	key := a.e.typeKeyOf(op.Obj)
	for _, r := range a.e.refsOf(op.Obj) {
		st.locks = st.locks.With(Held{Lock: r, TypeKey: key, Shared: shared, Name: a.e.Name(r, a.fn), At: a.e.callStart(op.Pos)})
	}
}

func (a *funcAnalysis) unlock(st *state, r ref.Ref, rec bool) {
	if _, held := st.locks.Find(r); !held && rec && !containsRef(a.sum.Releases, r) {
		a.sum.Releases = append(a.sum.Releases, r)
	}
	st.locks = st.locks.Without(r)
	st.condLocks = withoutCondLock(st.condLocks, r)
}

// registerDefer records that di's call has been deferred: it runs after
// every call deferred later, so those later calls' unlocks and joins happen
// before it.
func (a *funcAnalysis) registerDefer(st *state, di *deferInfo) {
	d := di.d
	for len(st.uncovered) < len(a.ds) {
		st.uncovered = append(st.uncovered, nil)
	}
	for len(st.released) < len(a.ds) {
		st.released = append(st.released, nil)
	}
	st.pending.each(func(p int) {
		if p == d.Index {
			return
		}
		st.uncovered[p] = st.uncovered[p].minus(di.joined)
		st.released[p], _ = unionRefs(st.released[p], d.Unlocks)
	})
	st.pending = st.pending.with(d.Index)
	st.uncovered[d.Index] = all(len(a.gs))
	st.released[d.Index] = nil
	st.dunlocks, _ = unionRefs(st.dunlocks, d.Unlocks)
}

// record is the final pass: it replays every reachable block from its
// fixed-point entry state, then derives what holds when deferred calls run
// and the summary callers see.
func (a *funcAnalysis) recordAll() {
	for _, b := range a.fn.Blocks {
		in := a.in[b]
		if in == nil || !in.live {
			continue
		}
		st := in.clone()
		for _, instr := range b.Instrs {
			a.step()
			a.transfer(st, instr, true)
			if !st.live {
				break
			}
		}
	}
	a.recordOverlaps()
	deferJoined := a.recordDefers()
	a.summarize(deferJoined)
	a.res.Goroutines = a.gs
	a.res.Defers = a.ds
	a.res.Summary = a.sum
}

// recordOverlaps turns the pairs of goroutines seen running together into
// each goroutine's Overlaps and Siblings.
func (a *funcAnalysis) recordOverlaps() {
	for pair := range a.overlaps {
		g, h := a.gs[pair[0]], a.gs[pair[1]]
		if g == h {
			// A function that starts a goroutine and is called in a loop
			// often keeps one instance at a time itself (a flag, a
			// channel); its own summary says whether instances overlap.
			if !g.Spawned() || g.RunsValue {
				g.Siblings = true
			}
			continue
		}
		if g.Spawned() && h.Spawned() && g.Origin == h.Origin {
			continue // as for siblings: the function that starts them may keep one at a time
		}
		g.Overlaps = appendUnique(g.Overlaps, h.Index)
		h.Overlaps = appendUnique(h.Overlaps, g.Index)
	}
}

// recordDefers derives what holds when each deferred call runs on a normal
// return (locks, running goroutines), adds its effects to the summary, and
// returns the goroutines the deferred calls join.
func (a *funcAnalysis) recordDefers() bits {
	ex := &a.exit
	var deferJoined bits
	for _, d := range a.ds {
		if !ex.live || !ex.pending.has(d.Index) {
			continue // never runs on a normal return
		}
		locks := ex.locks
		if d.Index < len(ex.released) {
			for _, r := range ex.released[d.Index] {
				locks = locks.Without(r)
			}
		}
		d.Locks = locks
		var unc bits
		if d.Index < len(ex.uncovered) {
			unc = ex.uncovered[d.Index]
		}
		ex.running.and(unc).each(func(g int) { d.Running = append(d.Running, g) })
		for _, di := range a.deferAt {
			if di.d == d {
				deferJoined = deferJoined.or(di.joined)
			}
		}
		for _, acc := range d.Accesses {
			acc.Locks = d.Locks.Union(acc.Locks)
			a.sum.Accesses = append(a.sum.Accesses, acc)
		}
		a.sum.Waits = append(a.sum.Waits, d.Waits...)
		a.sum.Recvs = append(a.sum.Recvs, d.Recvs...)
	}
	return deferJoined
}

// summarize keeps what callers can see: what reaches parameters, free
// variables and globals, the locks held at the exit that the function took,
// the goroutines it leaves running (not joined by a deferred call), whether
// it returns, and what it returns.
func (a *funcAnalysis) summarize(deferJoined bits) {
	ex := &a.exit
	a.sum.Accesses = a.e.compact(portable(append(a.sum.Accesses, a.res.Accesses...)))
	a.sum.Calls = a.e.portableCalls(a.sum.Calls)
	a.sum.Dones = portableRefs(a.sum.Dones)
	a.sum.Sends = portableRefs(a.sum.Sends)
	a.sum.Waits = portableRefs(a.sum.Waits)
	a.sum.Recvs = portableRefs(a.sum.Recvs)
	a.sum.Releases = portableRefs(a.sum.Releases)
	if ex.live {
		for _, h := range ex.locks {
			if h.Lock.Portable() && !containsRef(ex.dunlocks, h.Lock) {
				a.sum.Acquires = append(a.sum.Acquires, h)
			}
		}
		ex.running.minus(deferJoined).each(a.spawn)
	}
	// A function none of whose paths returns (it exits, panics or loops
	// forever) ends its callers' paths too. One that recovers may return.
	a.sum.NoReturn = !ex.live && a.fn.Recover == nil
	a.returns()
	a.freshResults()
}

// spawn adds goroutine g, still running at the exit, to the summary.
func (a *funcAnalysis) spawn(g int) {
	sp := *a.gs[g]
	sp.By = nil // the caller starts it through its own call
	sp.ErrValue = nil
	sp.OnError = errorResultType(a.fn) && !a.nilErrRunning.has(g)
	sp.Accesses = a.e.compact(portable(sp.Accesses))
	sp.Dones = portableRefs(sp.Dones)
	sp.Sends = portableRefs(sp.Sends)
	sp.Groups = portableRefs(sp.Groups)
	sp.Calls = a.e.portableCalls(sp.Calls)
	switch {
	case len(sp.Accesses) == 0 && len(sp.Calls) == 0:
	case len(a.sum.Spawns) >= a.e.limits.Spawns:
		a.e.caps.Spawns++
	default:
		a.sum.Spawns = append(a.sum.Spawns, &sp)
	}
}

func appendUnique(xs []int, x int) []int {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}
