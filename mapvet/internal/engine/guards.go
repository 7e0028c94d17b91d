package engine

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Guards: which lock guards a map. For each map that is a field of a struct
// type or a package variable (a TypeKey), the engine infers the mutex that
// guards it from how the package accesses it, or takes the one a comment
// declares:
//
//	type Cache struct {
//		mu    sync.Mutex
//		items map[string]int //mapvet:guardedby mu
//	}
//
// A lock guards a map when, over the package's accesses to it, it is held
// at no fewer than 2 of them and at least 3 in 4 (minHeld, minShare), and
// held exclusively at one write at least. Accesses counted are those of the
// package's own code (test files left out: a test's locking must not change
// what is said of the package), outside init functions, to maps that are
// not fresh (a constructor filling the struct it allocated); an unexported
// function the package calls directly counts in its callers' contexts, with
// the locks they hold at the call (a helper like addLocked is guarded by
// its callers' lock). A declared guard needs no count.
//
// Guards travel to importing packages as a package fact (GuardsFact), so
// that an access in another package — to an exported field, or through a
// helper there — is judged by the guard the owning package uses.

const (
	minHeld  = 2
	minShare = 0.75
)

// Guard is the lock that guards a map.
type Guard struct {
	Lock     Held          // the lock, as held at Write (its TypeKey names it at the type level)
	Write    token.Pos     // one write that holds it exclusively; NoPos if none is known
	Also     []ref.TypeKey // other locks held as often: an access holding one is guarded too
	Declared bool          // by a //mapvet:guardedby comment
	Layout   bool          // the lock declared for the map (named after it, or just before it)
	Held     int           // accesses that hold it
	Accesses int           // accesses counted
	// CallerLocked: no method of the map's owner type takes the lock
	// itself; its callers hold it around each call (a type documented
	// "callers must hold the lock"), so the methods' own accesses are
	// judged at their callers.
	CallerLocked bool
}

// HeldIn reports whether ls holds the guard (or one held as often).
func (g Guard) HeldIn(ls LockSet) bool {
	for _, h := range ls {
		if g.Is(h.TypeKey) {
			return true
		}
	}
	return false
}

// Is reports whether the lock with TypeKey k is the guard (or held as often).
func (g Guard) Is(k ref.TypeKey) bool {
	return k != "" && (k == g.Lock.TypeKey || slices.Contains(g.Also, k))
}

// Guard returns the guard of the map with TypeKey k: this package's, or the
// one the package that owns the map exported.
func (e *Engine) Guard(k ref.TypeKey) (Guard, bool) {
	if k == "" {
		return Guard{}, false
	}
	if g, ok := e.Guards()[k]; ok {
		return g, true
	}
	g, ok := e.importedGuards[k]
	return g, ok
}

// Guards returns the guards of the maps this package accesses.
func (e *Engine) Guards() map[ref.TypeKey]Guard {
	if e.guards == nil {
		e.guards = e.inferGuards()
	}
	return e.guards
}

// guardContext is one access to a map, with the locks held.
type guardContext struct {
	kind    ops.Kind
	locks   LockSet
	op      token.Pos
	inOwner bool // the access is a method of the map's owner type's own
}

func (e *Engine) inferGuards() map[ref.TypeKey]Guard {
	byMap := map[ref.TypeKey][]guardContext{}
	// An operation counts once in each context: m[k]++ reads and writes.
	type site struct {
		op, at token.Pos
		key    ref.TypeKey
	}
	seen := map[site]int{}
	add := func(fn *ssa.Function, a Access, extra LockSet) {
		if a.TypeKey == "" || a.Fresh {
			return
		}
		s := site{a.Op, a.Pos, a.TypeKey}
		if i, ok := seen[s]; ok {
			if a.Kind == ops.Write {
				byMap[a.TypeKey][i].kind = ops.Write
			}
			return
		}
		seen[s] = len(byMap[a.TypeKey])
		byMap[a.TypeKey] = append(byMap[a.TypeKey], guardContext{a.Kind, extra.Union(a.Locks), a.Op, a.Via == nil && OwnerMethod(fn, a.TypeKey)})
	}
	for _, fn := range e.funcs {
		if e.InTestFile(fn) || isInitFunc(fn) {
			continue
		}
		if e.Helper(fn) {
			continue // counted in its callers' contexts, callees included
		}
		r := e.Result(fn)
		for _, a := range r.Accesses {
			add(fn, a, nil)
		}
		for _, d := range r.Defers {
			for _, a := range d.Accesses {
				add(fn, a, d.Locks)
			}
		}
	}
	out := map[ref.TypeKey]Guard{}
	for key, ctxs := range byMap {
		var g Guard
		var ok bool
		if lock, declared := e.declared[key]; declared {
			g, ok = declaredGuard(lock, ctxs), true
		} else if g, ok = inferGuard(ctxs); !ok {
			g, ok = layoutGuard(e.beside[key], ctxs)
		}
		if !ok {
			continue
		}
		g.CallerLocked = true
		for _, c := range ctxs {
			if c.inOwner && g.HeldIn(c.locks) {
				g.CallerLocked = false
			}
		}
		out[key] = g
	}
	return out
}

// OwnerMethod reports whether fn is a method of the struct type that holds
// the map field k.
func OwnerMethod(fn *ssa.Function, k ref.TypeKey) bool {
	recv := fn.Signature.Recv()
	if recv == nil {
		return false
	}
	t := recv.Type()
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	owner := n.Obj().Pkg().Path() + "." + n.Obj().Name() + "."
	rest, ok := strings.CutPrefix(string(k), owner)
	return ok && !strings.Contains(rest, ".")
}

// calledHere returns the functions the package calls (or defers) directly:
// their accesses are seen in the callers' results too.
func (e *Engine) calledHere() map[*ssa.Function]bool {
	called := map[*ssa.Function]bool{}
	funcs := e.funcs
	if e.pkg != nil {
		// The package initializer (variable declarations) calls helpers
		// such as gob's bootstrapType, "called only from init".
		funcs = append([]*ssa.Function{e.pkg.Func("init")}, funcs...)
	}
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				c, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				if _, isGo := instr.(*ssa.Go); isGo {
					continue // a goroutine's accesses are its own context
				}
				if callee := c.Common().StaticCallee(); callee != nil && callee.Pkg == fn.Pkg {
					called[callee] = true
				}
				// A method the package calls through an interface has
				// those calls for callers, resolved or not.
				for _, m := range e.implementations(c.Common(), e.InTestFile(fn)) {
					called[m] = true
				}
			}
		}
	}
	return called
}

// prepareChecks computes what the checks would compute lazily: which
// functions are helpers, and the guards.
func (e *Engine) prepareChecks() {
	if e.called == nil {
		e.called = e.calledHere()
		e.lockedCalls = e.callsUnderLock()
	}
	e.Guards()
}

// Helper reports whether fn's own accesses count in its callers' contexts:
// an unexported function (or literal) the package calls directly; a
// function whose name says its callers hold the lock (addLocked,
// FooLocked); an exported one the package calls only with a lock held
// (a type whose methods' callers must hold its lock).
func (e *Engine) Helper(fn *ssa.Function) bool {
	if e.called == nil {
		e.called = e.calledHere()
		e.lockedCalls = e.callsUnderLock()
	}
	return e.called[fn] && (!exportedFunc(fn) || e.lockedCalls[fn]) || lockedName(fn) || !e.goroutineBody[fn] && callback(fn)
}

// callback reports whether fn is a function literal that is only passed to
// calls, which run it before they return (unless a goroutine helper runs
// it: Engine.goroutineBody) (f.ForeachSetting(func(s) {...}),
// sort.Slice(x, func(i, j int) bool {...})): it runs in its parent's
// context, under the parent's locks, and the call's summary brings its
// accesses there. A literal started as a goroutine, registered with a
// server or stored is its own context.
func callback(fn *ssa.Function) bool {
	parent := fn.Parent()
	if parent == nil {
		return false
	}
	uses := 0
	for _, b := range parent.Blocks {
		for _, instr := range b.Instrs {
			call, ok := instr.(*ssa.Call)
			if !ok {
				continue
			}
			for _, arg := range call.Call.Args {
				if f, _ := ops.FuncValue(arg); f != fn {
					continue
				}
				if ops.StartOf(call) != nil || len(ops.EntryPoints(call)) > 0 {
					return false
				}
				uses++
			}
		}
	}
	if uses == 0 {
		return false
	}
	// Every use of the literal's value is such an argument.
	for _, anon := range parent.AnonFuncs {
		if anon != fn {
			continue
		}
		for _, b := range parent.Blocks {
			for _, instr := range b.Instrs {
				if mc, ok := instr.(*ssa.MakeClosure); ok && mc.Fn == fn {
					for _, u := range *mc.Referrers() {
						if c, ok := u.(*ssa.Call); !ok || c.Call.Value == mc {
							return false
						}
					}
				}
			}
		}
	}
	return true
}

// callsUnderLock returns the functions whose every call in the package
// that leads to a map access holds a lock (or is on a struct the caller
// just made).
func (e *Engine) callsUnderLock() map[*ssa.Function]bool {
	all := map[*ssa.Function]bool{}
	for _, fn := range e.funcs {
		if e.InTestFile(fn) {
			continue // a test calls what it likes, alone
		}
		for _, a := range e.Result(fn).Accesses {
			if a.Via == nil || a.Ref.Kind == ref.Global {
				continue // package maps (another package's, often) lock for themselves
			}
			// A call on a struct the caller just made is as good as a
			// locked one: nobody else sees the struct yet.
			locked, seen := all[a.Via.Fn]
			all[a.Via.Fn] = (locked || !seen) && (len(a.Here) > 0 || a.Fresh)
		}
	}
	return all
}

// lockedName reports whether fn is named for callers that hold a lock
// (addLocked), or for tests, which call it alone (removeEntryForTesting).
func lockedName(fn *ssa.Function) bool {
	n := fn.Name()
	return strings.HasSuffix(n, "Locked") || strings.HasSuffix(n, "locked") ||
		strings.HasSuffix(n, "ForTesting") || strings.HasSuffix(n, "ForTest")
}

// LockedName reports whether fn's name says its callers hold a lock.
func LockedName(fn *ssa.Function) bool { return lockedName(fn) }

func exportedFunc(fn *ssa.Function) bool {
	return fn.Parent() == nil && ast.IsExported(fn.Name())
}

func inferGuard(ctxs []guardContext) (Guard, bool) {
	type tally struct {
		held  int
		write *guardContext // an exclusive write holding it
		h     Held
	}
	byLock := map[ref.TypeKey]*tally{}
	var order []ref.TypeKey
	for i := range ctxs {
		c := &ctxs[i]
		for _, h := range c.locks {
			if h.TypeKey == "" {
				continue
			}
			t := byLock[h.TypeKey]
			if t == nil {
				t = &tally{h: h}
				byLock[h.TypeKey] = t
				order = append(order, h.TypeKey)
			}
			t.held++
			if c.kind == ops.Write && !h.Shared && t.write == nil {
				t.write, t.h = c, h
			}
		}
	}
	var qualified []ref.TypeKey
	for _, k := range order {
		t := byLock[k]
		if t.held >= minHeld && float64(t.held) >= minShare*float64(len(ctxs)) && t.write != nil {
			qualified = append(qualified, k)
		}
	}
	if len(qualified) == 0 {
		return Guard{}, false
	}
	best := qualified[0]
	for _, k := range qualified[1:] {
		if byLock[k].held > byLock[best].held {
			best = k
		}
	}
	t := byLock[best]
	g := Guard{Lock: t.h, Write: t.write.op, Held: t.held, Accesses: len(ctxs)}
	for _, k := range qualified {
		if k != best {
			g.Also = append(g.Also, k)
		}
	}
	return g, true
}

// layoutGuard returns the guard of a map whose accesses agree on no lock
// (two locks, each held at half of them: the kubelet's supportsQuotas,
// kubernetes#135089) when the code declares which lock is the map's: a
// mutex named after the map (supportsQuotasLock), or the mutex field just
// before a map field. It must be held at minHeld accesses, one an exclusive
// write.
func layoutGuard(locks []ref.TypeKey, ctxs []guardContext) (Guard, bool) {
	for _, k := range locks {
		g := declaredGuard(Held{TypeKey: k}, ctxs)
		if g.Held >= minHeld && g.Write.IsValid() {
			g.Declared, g.Layout = false, true
			return g, true
		}
	}
	return Guard{}, false
}

func declaredGuard(lock Held, ctxs []guardContext) Guard {
	g := Guard{Lock: lock, Declared: true, Accesses: len(ctxs)}
	for _, c := range ctxs {
		h, ok := c.locks.findKey(lock.TypeKey)
		if !ok {
			continue
		}
		g.Held++
		if c.kind == ops.Write && !h.Shared && !g.Write.IsValid() {
			g.Lock.At, g.Write = h.At, c.op
			if g.Lock.Name == "" {
				g.Lock.Name = h.Name
			}
		}
	}
	return g
}

// findKey returns the entry of s for the lock with TypeKey k.
func (s LockSet) findKey(k ref.TypeKey) (Held, bool) {
	for _, h := range s {
		if h.TypeKey == k {
			return h, true
		}
	}
	return Held{}, false
}
