// Package guard infers which lock guards a map, from how the package
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
package guard

import (
	"go/ast"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Guard is the lock inferred to guard a map.
type Guard struct {
	LockKey  string // the lock at the type level
	LockName string // as written at one access that holds it
	Where    string // one write that holds it exclusively
}

// Guards maps a map's TypeKey to its guard.
type Guards map[string]Guard

type context struct {
	kind  ops.Kind
	locks engine.LockSet
	where string
}

// Infer computes the guards of the maps eng's package accesses.
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
	byMap := map[string][]context{}
	add := func(a engine.Access, extra engine.LockSet) {
		if a.TypeKey == "" || a.Fresh {
			return
		}
		byMap[a.TypeKey] = append(byMap[a.TypeKey], context{a.Kind, extra.Union(a.Locks), a.Where})
	}
	for _, fn := range eng.Funcs() {
		r := eng.Result(fn)
		own := !called[fn] || exported(fn)
		for _, a := range r.Accesses {
			if a.Call == "" && !own {
				continue
			}
			add(a, nil)
		}
		for _, d := range r.Defers {
			for _, a := range d.Accesses {
				if a.Call == "" && !own {
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
			if h.Key != "" {
				ls = append(ls, h)
			}
		}
		if first {
			cands, first = ls, false
			continue
		}
		var keep engine.LockSet
		for _, h := range cands {
			if hasKey(ls, h.Key) {
				keep = append(keep, h)
			}
		}
		cands = keep
	}
	for _, h := range cands {
		holding, exclusive, where := 0, false, ""
		for _, c := range ctxs {
			for _, x := range c.locks {
				if x.Key == h.Key {
					holding++
					if !x.Shared && c.kind == ops.Write {
						exclusive = true
						if where == "" {
							where = c.where
						}
					}
					break
				}
			}
		}
		if holding >= 2 && exclusive {
			return Guard{LockKey: h.Key, LockName: h.Name, Where: where}, true
		}
	}
	return Guard{}, false
}

func hasKey(ls engine.LockSet, key string) bool {
	for _, h := range ls {
		if h.Key == key {
			return true
		}
	}
	return false
}

// Holds returns the entry of ls for the lock with TypeKey key.
func Holds(ls engine.LockSet, key string) (engine.Held, bool) {
	for _, h := range ls {
		if h.Key == key {
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
		return pkgOf(lock.Key) == pkgOf(m.Key)
	}
	if lock.Kind != m.Kind || lock.Key != m.Key || lock.Value != m.Value || lock.Index != m.Index {
		return false
	}
	lp, ok1 := parent(strings.TrimSuffix(lock.Path, "&"))
	mp, ok2 := parent(strings.TrimSuffix(m.Path, "*"))
	return ok1 && ok2 && lp == mp
}

// parent strips the last field step of a path.
func parent(p string) (string, bool) {
	i := strings.LastIndexByte(p, '.')
	if i < 0 || strings.ContainsAny(p[i:], "*&[") {
		return "", false
	}
	return p[:i], true
}

func pkgOf(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[:i]
	}
	return key
}
