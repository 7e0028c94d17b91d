// Package guardedby infers which lock guards a map, from how the package
// accesses it: a map field (or package-level map) is guarded by lock L when
// every write to it holds L, and at least two accesses hold it, one of them
// exclusively. Writes to a map made in the same function, or to a field of
// a struct allocated there (constructors), do not count: nothing else can
// see the map yet.
//
// An access inside an unexported function that the package calls directly
// is counted in its callers' contexts, with the locks they hold at the call:
// a helper like addLocked is guarded by the lock its callers take.
//
// It also answers the structural question "does this lock sit beside this
// map": a mutex and a map that are fields of the same struct value, or two
// package-level variables of the same package.
package guardedby

import (
	"go/ast"
	"go/token"
	"slices"

	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Guard is the lock inferred to guard a map.
type Guard struct {
	Lock  engine.Held // the lock as held at Write (its TypeKey names it at the type level)
	Write token.Pos   // one write that holds it exclusively
	// Also are the other locks held at every write. A caller's lock
	// held around a call into a type that takes its own lock is one; an
	// access that holds any of them is as guarded as the writes.
	Also []ref.TypeKey
}

// HeldIn reports whether ls holds the guard (or a lock held at every write
// with it).
func (g Guard) HeldIn(ls engine.LockSet) bool {
	if _, ok := Holds(ls, g.Lock.TypeKey); ok {
		return true
	}
	for _, k := range g.Also {
		if _, ok := Holds(ls, k); ok {
			return true
		}
	}
	return false
}

// Is reports whether the lock with TypeKey k is the guard or held at every
// write with it.
func (g Guard) Is(k ref.TypeKey) bool {
	return k != "" && (k == g.Lock.TypeKey || slices.Contains(g.Also, k))
}

// Guards maps a map's TypeKey to its guard.
type Guards map[ref.TypeKey]Guard

type context struct {
	kind  ops.Kind
	locks engine.LockSet
	op    token.Pos
}

// Infer computes the guards of the maps eng's package accesses. Accesses in
// test files are left out, so that what is reported about the package's
// own code does not depend on whether its tests were loaded.
func Infer(eng *engine.Engine) Guards {
	called := map[*ssa.Function]bool{}
	for _, fn := range eng.Funcs() {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if c, ok := instr.(*ssa.Call); ok {
					if callee := c.Call.StaticCallee(); callee != nil && callee.Pkg == fn.Pkg {
						called[callee] = true
					}
				}
			}
		}
	}
	byMap := map[ref.TypeKey][]context{}
	add := func(a engine.Access, extra engine.LockSet) {
		if a.TypeKey == "" || a.Fresh {
			return
		}
		byMap[a.TypeKey] = append(byMap[a.TypeKey], context{a.Kind, extra.Union(a.Locks), a.Op})
	}
	for _, fn := range eng.Funcs() {
		if eng.InTestFile(fn) {
			continue
		}
		r := eng.Result(fn)
		own := !called[fn] || exported(fn)
		for _, a := range r.Accesses {
			if a.Via == nil && !own {
				continue
			}
			add(a, nil)
		}
		for _, d := range r.Defers {
			for _, a := range d.Accesses {
				if a.Via == nil && !own {
					continue
				}
				add(a, d.Locks)
			}
		}
	}
	guards := Guards{}
	for key, ctxs := range byMap {
		if g, ok := infer(ctxs); ok {
			guards[key] = g
		}
	}
	return guards
}

func exported(fn *ssa.Function) bool {
	return fn.Parent() == nil && ast.IsExported(fn.Name())
}

func infer(ctxs []context) (Guard, bool) {
	var cands engine.LockSet
	first := true
	for _, c := range ctxs {
		if c.kind != ops.Write {
			continue
		}
		var ls engine.LockSet
		for _, h := range c.locks {
			if h.TypeKey != "" {
				ls = append(ls, h)
			}
		}
		if first {
			cands, first = ls, false
			continue
		}
		var keep engine.LockSet
		for _, h := range cands {
			if _, ok := Holds(ls, h.TypeKey); ok {
				keep = append(keep, h)
			}
		}
		cands = keep
	}
	for _, h := range cands {
		holding := 0
		var g *Guard
		for _, c := range ctxs {
			x, ok := Holds(c.locks, h.TypeKey)
			if !ok {
				continue
			}
			holding++
			if !x.Shared && c.kind == ops.Write && g == nil {
				g = &Guard{Lock: x, Write: c.op}
			}
		}
		if holding >= 2 && g != nil {
			for _, o := range cands {
				if o.TypeKey != h.TypeKey {
					g.Also = append(g.Also, o.TypeKey)
				}
			}
			return *g, true
		}
	}
	return Guard{}, false
}

// Holds returns the entry of ls for the lock with TypeKey key.
func Holds(ls engine.LockSet, key ref.TypeKey) (engine.Held, bool) {
	for _, h := range ls {
		if h.TypeKey == key {
			return h, true
		}
	}
	return engine.Held{}, false
}

// Beside reports whether lock and m are fields of the same struct value, or
// both package-level variables of one package: the layout that says the
// lock is there for the map.
func Beside(lock, m ref.Ref) bool {
	if lock.Kind == ref.Global && m.Kind == ref.Global {
		return lock.Package() == m.Package()
	}
	return lock.Beside(m)
}
