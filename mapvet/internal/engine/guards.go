package engine

import (
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
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
	Held     int           // accesses that hold it
	Accesses int           // accesses counted
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
	kind  ops.Kind
	locks LockSet
	op    token.Pos
}

func (e *Engine) inferGuards() map[ref.TypeKey]Guard {
	called := e.calledHere()
	byMap := map[ref.TypeKey][]guardContext{}
	// An operation counts once in each context: m[k]++ reads and writes.
	type site struct {
		op, at token.Pos
		key    ref.TypeKey
	}
	seen := map[site]int{}
	add := func(a Access, extra LockSet) {
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
		byMap[a.TypeKey] = append(byMap[a.TypeKey], guardContext{a.Kind, extra.Union(a.Locks), a.Op})
	}
	for _, fn := range e.funcs {
		if e.InTestFile(fn) || isInitFunc(fn) {
			continue
		}
		r := e.Result(fn)
		own := (!called[fn] || exportedFunc(fn)) && !lockedName(fn)
		for _, a := range r.Accesses {
			if a.Via != nil || own {
				add(a, nil)
			}
		}
		for _, d := range r.Defers {
			for _, a := range d.Accesses {
				if a.Via != nil || own {
					add(a, d.Locks)
				}
			}
		}
	}
	out := map[ref.TypeKey]Guard{}
	for key, ctxs := range byMap {
		if lock, ok := e.declared[key]; ok {
			out[key] = declaredGuard(lock, ctxs)
		} else if g, ok := inferGuard(ctxs); ok {
			out[key] = g
		}
	}
	return out
}

// calledHere returns the functions the package calls (or defers) directly:
// their accesses are seen in the callers' results too.
func (e *Engine) calledHere() map[*ssa.Function]bool {
	called := map[*ssa.Function]bool{}
	for _, fn := range e.funcs {
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
			}
		}
	}
	return called
}

// Helper reports whether fn's own accesses count in its callers' contexts:
// an unexported function (or literal) the package calls directly, or a
// function whose name says its callers hold the lock (addLocked, FooLocked).
func (e *Engine) Helper(fn *ssa.Function) bool {
	if e.called == nil {
		e.called = e.calledHere()
	}
	return e.called[fn] && !exportedFunc(fn) || lockedName(fn)
}

// lockedName reports whether fn is named for callers that hold a lock.
func lockedName(fn *ssa.Function) bool {
	return strings.HasSuffix(fn.Name(), "Locked") || strings.HasSuffix(fn.Name(), "locked")
}

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

// Annotations.

const guardedByPrefix = "//mapvet:guardedby "

// declaredGuards reads //mapvet:guardedby comments on struct fields and
// package variables of map type: the lock a sibling field (or a package
// variable) named in the comment.
func declaredGuards(pass *analysis.Pass) map[ref.TypeKey]Held {
	out := map[ref.TypeKey]Held{}
	pkg := pass.Pkg.Path()
	lockOf := func(c *ast.CommentGroup) (string, bool) {
		if c == nil {
			return "", false
		}
		for _, l := range c.List {
			if name, ok := strings.CutPrefix(l.Text, guardedByPrefix); ok {
				return strings.TrimSpace(name), true
			}
		}
		return "", false
	}
	for _, f := range pass.Files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					st, ok := spec.Type.(*ast.StructType)
					if !ok {
						continue
					}
					for _, field := range st.Fields.List {
						lock, ok := lockOf(field.Doc)
						if !ok {
							lock, ok = lockOf(field.Comment)
						}
						if !ok {
							continue
						}
						for _, n := range field.Names {
							key := ref.TypeKey(pkg + "." + spec.Name.Name + "." + n.Name)
							out[key] = Held{TypeKey: ref.TypeKey(pkg + "." + spec.Name.Name + "." + lock), Name: lock, At: field.Pos()}
						}
					}
				case *ast.ValueSpec:
					lock, ok := lockOf(spec.Doc)
					if !ok {
						lock, ok = lockOf(spec.Comment)
					}
					if !ok && len(gd.Specs) == 1 {
						lock, ok = lockOf(gd.Doc)
					}
					if !ok {
						continue
					}
					for _, n := range spec.Names {
						out[ref.TypeKey(pkg+"."+n.Name)] = Held{TypeKey: ref.TypeKey(pkg + "." + lock), Name: lock, At: n.Pos()}
					}
				}
			}
		}
	}
	return out
}

// GuardsFact carries a package's guards of its own maps to importers.
type GuardsFact struct {
	Guards []factGuard
}

func (*GuardsFact) AFact() {}

func (f *GuardsFact) String() string {
	var parts []string
	for _, g := range f.Guards {
		parts = append(parts, g.Map+" by "+g.Lock)
	}
	return "guards(" + strings.Join(parts, ", ") + ")"
}

type factGuard struct {
	Map, Lock, LockName string
	Also                []string
	Declared            bool
	Held, Accesses      int
	Write, At           factPos
}

// guardsFact returns the fact of this package's guards of its own maps.
func (e *Engine) guardsFact(pkg string) *GuardsFact {
	f := &GuardsFact{}
	for k, g := range e.Guards() {
		if !strings.HasPrefix(string(k), pkg+".") || strings.Contains(string(k)[len(pkg)+1:], "/") {
			continue
		}
		fg := factGuard{Map: string(k), Lock: string(g.Lock.TypeKey), LockName: g.Lock.Name, Declared: g.Declared,
			Held: g.Held, Accesses: g.Accesses, Write: toFactPos(e.fset, pkg, g.Write), At: toFactPos(e.fset, pkg, g.Lock.At)}
		for _, a := range g.Also {
			fg.Also = append(fg.Also, string(a))
		}
		f.Guards = append(f.Guards, fg)
	}
	slices.SortFunc(f.Guards, func(a, b factGuard) int { return strings.Compare(a.Map, b.Map) })
	return f
}

// importGuards reads the guards other packages exported.
func importGuards(pass *analysis.Pass) map[ref.TypeKey]Guard {
	out := map[ref.TypeKey]Guard{}
	for _, pf := range pass.AllPackageFacts() {
		f, ok := pf.Fact.(*GuardsFact)
		if !ok {
			continue
		}
		for _, fg := range f.Guards {
			g := Guard{Lock: Held{TypeKey: ref.TypeKey(fg.Lock), Name: fg.LockName, At: fg.At.pos(pass.Fset)},
				Write: fg.Write.pos(pass.Fset), Declared: fg.Declared, Held: fg.Held, Accesses: fg.Accesses}
			for _, a := range fg.Also {
				g.Also = append(g.Also, ref.TypeKey(a))
			}
			out[ref.TypeKey(fg.Map)] = g
		}
	}
	return out
}
