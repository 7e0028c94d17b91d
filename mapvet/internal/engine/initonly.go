package engine

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Init-only maps. A package may build a map during initialization and then
// drop it, as encoding/gob does with typeInfoMapInit:
//
//	var cacheInit = make(map[K]V)
//	func lookup(k K) V {
//		if m := cacheInit; m != nil { return m[k] }
//		...                      // the copy-on-write map used after init
//	}
//	func init() { ...; cacheInit = nil }
//
// Package initialization runs in one goroutine and finishes before main,
// any test or any other package's init that imports it, so once the last
// init function has run the variable is nil for good and the accesses
// through it are dead code for every goroutine started after that. The
// engine drops them, which is what keeps sharedmap and deferaccess from
// comparing goroutines that can only reach the map through a nil variable.
//
// A variable qualifies only when nothing else can give it a map again:
// it is unexported and of map type; outside its declaration, only one init
// function stores it; that function stores nil on every path that returns,
// with no store after it; every other use of the variable is a load; and no
// init function of the package starts a goroutine (one that could run
// before the nil store).

// initOnlyMaps returns the keys ("pkgpath.name", as ref names a Global) of
// pkg's init-only map variables, given all of pkg's source functions.
func initOnlyMaps(pkg *ssa.Package, funcs []*ssa.Function) map[string]bool {
	if pkg == nil {
		return nil
	}
	type cand struct {
		bad      bool
		storedIn *ssa.Function // the one init function that stores it
		stores   []*ssa.Store
	}
	cands := map[*ssa.Global]*cand{}
	for _, m := range pkg.Members {
		g, ok := m.(*ssa.Global)
		if !ok || ast.IsExported(g.Name()) {
			continue
		}
		if ptr, ok := g.Type().(*types.Pointer); ok {
			if _, ok := ptr.Elem().Underlying().(*types.Map); ok {
				cands[g] = &cand{}
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	for _, fn := range funcs {
		if fn == pkg.Func("init") {
			continue // variable declarations, which run before any init function
		}
		init := isInitFunc(fn)
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if _, ok := instr.(*ssa.Go); ok && init {
					return nil
				}
				var ops [8]*ssa.Value
				for i, op := range instr.Operands(ops[:0]) {
					g, ok := (*op).(*ssa.Global)
					if !ok {
						continue
					}
					c := cands[g]
					if c == nil {
						continue
					}
					switch in := instr.(type) {
					case *ssa.UnOp:
						// a load: fine
					case *ssa.Store:
						if i != 0 || !init || c.storedIn != nil && c.storedIn != fn {
							c.bad = true
							continue
						}
						c.storedIn = fn
						c.stores = append(c.stores, in)
					default:
						c.bad = true // its address escapes
					}
				}
			}
		}
	}
	out := map[string]bool{}
	for g, c := range cands {
		if c.bad || c.storedIn == nil || !nilOnEveryReturn(c.storedIn, c.stores) {
			continue
		}
		out[g.Pkg.Pkg.Path()+"."+g.Name()] = true
	}
	return out
}

// isInitFunc reports whether fn is one of the package's init functions
// (not the synthetic package initializer, which runs variable
// declarations, and not a closure inside an init function, which could be
// called later).
func isInitFunc(fn *ssa.Function) bool {
	return fn.Parent() == nil && fn.Synthetic == "" && strings.HasPrefix(fn.Name(), "init#")
}

// nilOnEveryReturn reports whether the last of stores (all in fn) stores
// nil, comes after every other, and its block dominates every block of fn
// that returns.
func nilOnEveryReturn(fn *ssa.Function, stores []*ssa.Store) bool {
	var last *ssa.Store
	for _, s := range stores {
		if c, ok := s.Val.(*ssa.Const); ok && c.IsNil() {
			last = s
		}
	}
	if last == nil {
		return false
	}
	for _, s := range stores {
		if s == last {
			continue
		}
		// Another store must come before the nil one: earlier in its
		// block, or in a block the nil store's block does not dominate.
		if s.Block() == last.Block() {
			if indexOf(s.Block(), s) > indexOf(last.Block(), last) {
				return false
			}
		} else if last.Block().Dominates(s.Block()) {
			return false
		}
	}
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		if _, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && !last.Block().Dominates(b) {
			return false
		}
	}
	return true
}
