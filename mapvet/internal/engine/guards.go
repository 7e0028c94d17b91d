package engine

import (
	"go/ast"
	"go/token"
	"go/types"
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
		r := e.Result(fn)
		own := !e.Helper(fn)
		for _, a := range r.Accesses {
			if a.Via != nil || own {
				add(fn, a, nil)
			}
		}
		for _, d := range r.Defers {
			for _, a := range d.Accesses {
				if a.Via != nil || own {
					add(fn, a, d.Locks)
				}
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
// an unexported function (or literal) the package calls directly; a
// function whose name says its callers hold the lock (addLocked,
// FooLocked); an exported one the package calls only with a lock held
// (a type whose methods' callers must hold its lock).
func (e *Engine) Helper(fn *ssa.Function) bool {
	if e.called == nil {
		e.called = e.calledHere()
		e.lockedCalls = e.callsUnderLock()
	}
	return e.called[fn] && (!exportedFunc(fn) || e.lockedCalls[fn]) || lockedName(fn)
}

// callsUnderLock returns the functions whose every call in the package
// that leads to a map access holds a lock.
func (e *Engine) callsUnderLock() map[*ssa.Function]bool {
	all := map[*ssa.Function]bool{}
	for _, fn := range e.funcs {
		for _, a := range e.Result(fn).Accesses {
			if a.Via == nil {
				continue
			}
			locked, seen := all[a.Via.Fn]
			all[a.Via.Fn] = (locked || !seen) && len(a.Here) > 0
		}
	}
	return all
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

// besideLocks returns, for each map field and package map variable, the
// mutexes the declarations put with it: one named after the map (the
// map's name followed by Lock, Mu, Mutex, Mtx, in any case), or the
// nearest mutex declared before it in the same struct or var block.
func besideLocks(pass *analysis.Pass) map[ref.TypeKey][]ref.TypeKey {
	out := map[ref.TypeKey][]ref.TypeKey{}
	type decl struct {
		name  string
		mutex bool
		isMap bool
	}
	pair := func(prefix string, ds []decl) {
		var last string
		for _, d := range ds {
			if d.mutex {
				last = d.name
				continue
			}
			if !d.isMap {
				continue
			}
			key := ref.TypeKey(prefix + d.name)
			for _, o := range ds {
				if o.mutex && namedFor(o.name, d.name) {
					out[key] = append(out[key], ref.TypeKey(prefix+o.name))
				}
			}
			if last != "" {
				out[key] = append(out[key], ref.TypeKey(prefix+last))
			}
		}
	}
	info := pass.TypesInfo
	pkg := pass.Pkg.Path() + "."
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			var vars []decl
			for _, spec := range gd.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					st, ok := spec.Type.(*ast.StructType)
					if !ok {
						continue
					}
					var fields []decl
					for _, field := range st.Fields.List {
						t := info.TypeOf(field.Type)
						names := field.Names
						if len(names) == 0 { // embedded: the type's name
							if n, ok := t.(*types.Named); ok {
								names = []*ast.Ident{{Name: n.Obj().Name()}}
							}
						}
						for _, n := range names {
							fields = append(fields, decl{n.Name, isMutex(t), t != nil && ops.IsMap(t)})
						}
					}
					pair(pkg+spec.Name.Name+".", fields)
				case *ast.ValueSpec:
					for _, n := range spec.Names {
						obj := info.Defs[n]
						if obj == nil {
							continue
						}
						vars = append(vars, decl{n.Name, isMutex(obj.Type()), ops.IsMap(obj.Type())})
					}
				}
			}
			pair(pkg, vars)
		}
	}
	return out
}

// namedFor reports whether a lock's name says it is the map's:
// supportsQuotasLock for supportsQuotas.
func namedFor(lock, m string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(lock), strings.ToLower(m))
	return ok && (rest == "lock" || rest == "mu" || rest == "mutex" || rest == "mtx" || rest == "lck")
}

func isMutex(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "sync" && (n.Obj().Name() == "Mutex" || n.Obj().Name() == "RWMutex")
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
