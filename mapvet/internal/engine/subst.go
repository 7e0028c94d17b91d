package engine

import (
	"go/token"

	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// substSummary names a callee's summary in the caller's namespace: params
// and frees give the caller's Refs for the callee's parameters and free
// variables. When call is not nil the accesses are marked as happening in
// that call (a goroutine start passes nil: its accesses happen in the
// goroutine). Accesses whose map cannot be named in the caller are dropped:
// they are the callee's own business.
func (e *Engine) substSummary(s *Summary, params, frees [][]ref.Ref, caller *ssa.Function, call *Call) *Summary {
	out := &Summary{
		Accesses: e.substAccesses(s.Accesses, params, frees, caller, call),
		Dones:    substRefs(s.Dones, params, frees),
		Sends:    substRefs(s.Sends, params, frees),
		Waits:    substRefs(s.Waits, params, frees),
		Recvs:    substRefs(s.Recvs, params, frees),
		Acquires: e.substLocks(s.Acquires, params, frees, caller),
		Releases: substRefs(s.Releases, params, frees),
		Calls:    e.substCalls(s.Calls, params, frees, caller),
		NoReturn: s.NoReturn,

		ReturnKeys: s.ReturnKeys,
	}
	for _, r := range s.Returns {
		out.Returns = append(out.Returns, substRefs(r, params, frees))
	}
	for _, sp := range s.Spawns {
		out.Spawns = append(out.Spawns, &Goroutine{
			Kind:     sp.Kind,
			Origin:   sp.Origin,
			Start:    sp.Start,
			Accesses: e.substAccesses(sp.Accesses, params, frees, caller, nil),
			Dones:    substRefs(sp.Dones, params, frees),
			Sends:    substRefs(sp.Sends, params, frees),
			Groups:   substRefs(sp.Groups, params, frees),
			Calls:    e.substCalls(sp.Calls, params, frees, caller),
			Siblings: sp.Siblings,
			OnError:  sp.OnError,
		})
	}
	return out
}

func (e *Engine) substAccesses(accs []Access, params, frees [][]ref.Ref, caller *ssa.Function, call *Call) []Access {
	var out []Access
	for _, acc := range accs {
		add := func(r ref.Ref, locks LockSet) {
			n := acc
			n.Ref = r
			n.Name = e.Name(r, caller)
			n.Locks = locks
			n.Nils = substNils(acc.Nils, params, frees)
			n.Fresh = e.fresh(r) // a struct the caller allocated, filled by a helper
			n.Via = call
			n.Pos = token.NoPos
			if call != nil {
				n.Pos = call.Pos
			}
			out = append(out, n)
		}
		bases := ref.Bases(acc.Ref, params, frees)
		if len(bases) <= 1 {
			for _, r := range ref.Subst(acc.Ref, params, frees) {
				add(r, e.substLocks(acc.Locks, params, frees, caller))
			}
			continue
		}
		// The map's root is one of several values here (c is r.clusters[k]
		// or a new cluster). A lock with the same root is that value's
		// lock whichever it is: substitute both with each value in turn.
		for _, b := range bases {
			locks := e.substLocksOn(acc.Locks, acc.Ref, b, params, frees, caller)
			for _, r := range acc.Ref.On(b) {
				add(r, locks)
			}
		}
	}
	return out
}

// substLocksOn is substLocks for an access whose root the caller passes
// base for: locks with the access's root are named on base.
func (e *Engine) substLocksOn(ls LockSet, root, base ref.Ref, params, frees [][]ref.Ref, caller *ssa.Function) LockSet {
	var out LockSet
	for _, h := range ls {
		s := ref.Subst(h.Lock, params, frees)
		if h.Lock.SameRoot(root) {
			s = h.Lock.On(base)
		}
		if len(s) == 1 {
			h.Lock = s[0]
			h.Name = e.Name(s[0], caller)
			out = out.With(h)
		}
	}
	return out
}

// substCalls names dynamic calls in the caller's namespace: one for each
// Ref the called value may be there.
func (e *Engine) substCalls(dcs []DynCall, params, frees [][]ref.Ref, caller *ssa.Function) []DynCall {
	var out []DynCall
	for _, dc := range dcs {
		args := make([][]ref.Ref, len(dc.Args))
		for i, a := range dc.Args {
			args[i] = substRefs(a, params, frees)
		}
		for _, fn := range ref.Subst(dc.Fn, params, frees) {
			out = append(out, DynCall{Fn: fn, Field: dc.Field, Args: args,
				Locks: e.substLocks(dc.Locks, params, frees, caller), Nils: substNils(dc.Nils, params, frees)})
		}
	}
	return out
}

// portableCalls keeps the dynamic calls a caller may resolve: of a value
// rooted at a parameter or a free variable, merged and bounded (compactCalls).
func (e *Engine) portableCalls(dcs []DynCall) []DynCall {
	var out []DynCall
	for _, dc := range dcs {
		if dc.Fn.Kind != ref.Param && dc.Fn.Kind != ref.FreeVar {
			continue
		}
		var ls LockSet
		for _, h := range dc.Locks {
			if h.Lock.Portable() {
				ls = append(ls, h)
			}
		}
		args := make([][]ref.Ref, len(dc.Args))
		for i, a := range dc.Args {
			args[i] = portableRefs(a)
		}
		dc.Locks, dc.Args, dc.Nils = ls, args, portableRefs(dc.Nils)
		out = append(out, dc)
	}
	return e.compactCalls(out)
}

// compactCalls merges the calls of one function value (the locks held at
// every one of them, the arguments of any) and keeps at most
// Limits.Calls of them: a function passing a callback down a call chain
// would otherwise carry each caller's copy of it.
func (e *Engine) compactCalls(dcs []DynCall) []DynCall {
	type key struct {
		fn    ref.Ref
		field ref.TypeKey
	}
	index := map[key]int{}
	var out []DynCall
	for _, dc := range dcs {
		k := key{dc.Fn, dc.Field}
		if i, ok := index[k]; ok {
			o := &out[i]
			o.Locks = o.Locks.Intersect(dc.Locks)
			o.Nils = intersectRefs(o.Nils, dc.Nils)
			for j := range min(len(o.Args), len(dc.Args)) {
				o.Args[j] = unionOf(o.Args[j], dc.Args[j])
			}
			continue
		}
		if len(out) == e.limits.Calls {
			e.caps.Calls++
			continue
		}
		index[k] = len(out)
		out = append(out, dc)
	}
	return out
}

// substNils keeps a path condition only when the caller can name its map
// exactly; a condition that cannot be named is dropped (the access is
// taken to be reachable).
func substNils(rs []ref.Ref, params, frees [][]ref.Ref) []ref.Ref {
	var out []ref.Ref
	for _, r := range rs {
		if s := ref.Subst(r, params, frees); len(s) == 1 && !containsRef(out, s[0]) {
			out = append(out, s[0])
		}
	}
	return out
}

// unionOf returns a's Refs and b's.
func unionOf(a, b []ref.Ref) []ref.Ref {
	out, _ := unionRefs(a, b)
	return out
}

func substRefs(rs []ref.Ref, params, frees [][]ref.Ref) []ref.Ref {
	var out []ref.Ref
	for _, r := range rs {
		for _, s := range ref.Subst(r, params, frees) {
			if !containsRef(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// substLocks keeps a lock only when the caller can name it exactly: a set
// of locks held on every path cannot contain "one of these two".
func (e *Engine) substLocks(ls LockSet, params, frees [][]ref.Ref, caller *ssa.Function) LockSet {
	var out LockSet
	for _, h := range ls {
		if s := ref.Subst(h.Lock, params, frees); len(s) == 1 {
			h.Lock = s[0]
			h.Name = e.Name(s[0], caller)
			out = out.With(h)
		}
	}
	return out
}

// portable keeps what can leave the function: accesses and locks whose
// roots are parameters, free variables or globals.
func portable(accs []Access) []Access {
	var out []Access
	for _, acc := range accs {
		if !acc.Ref.Portable() {
			continue
		}
		var ls LockSet
		for _, h := range acc.Locks {
			if h.Lock.Portable() {
				ls = append(ls, h)
			}
		}
		acc.Locks = ls
		acc.Nils = portableRefs(acc.Nils)
		out = append(out, acc)
	}
	return out
}

func portableRefs(rs []ref.Ref) []ref.Ref {
	var out []ref.Ref
	for _, r := range rs {
		if r.Portable() && !containsRef(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// compact merges the accesses of a summary that are the same operation on
// the same map reached through different call sites: callers do not need
// the sites (they name the call they make), and without merging a call
// graph that calls one helper from several places doubles at every level.
// The merged access holds the locks held at every site.
//
// Summaries include their callees' accesses, so a function near the root
// of a large package's call graph would otherwise carry most of the
// package; past Limits.Accesses, accesses are dropped (callers see fewer of
// them: fewer findings, never wrong ones).
func (e *Engine) compact(accs []Access) []Access {
	type key struct {
		r    ref.Ref
		kind uint8
		verb string
		op   token.Pos
	}
	index := map[key]int{}
	var out []Access
	for _, a := range accs {
		k := key{a.Ref, uint8(a.Kind), a.Verb, a.Op}
		if i, ok := index[k]; ok {
			out[i].Locks = out[i].Locks.Intersect(a.Locks)
			out[i].Nils = intersectRefs(out[i].Nils, a.Nils)
			continue
		}
		if len(out) == e.limits.Accesses {
			e.caps.Accesses++
			continue
		}
		index[k] = len(out)
		a.Fresh = false
		out = append(out, a)
	}
	return out
}
