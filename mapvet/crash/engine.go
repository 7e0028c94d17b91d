package crash

// This file is the one place that reads the engine's types
// (mapvet/internal/engine): everything else in the package works on the
// access, lock and goroutine values below. It uses the engine's Refs,
// TypeKeys, kinds, token positions, lock sets and its per-function
// Results, never its message strings.

import (
	"go/token"
	"go/types"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// analysis holds one engine per package built from source. The engines
// share the program's SSA functions, so a call into another package reads
// that package's engine directly instead of through facts, with positions.
type analysis struct {
	p       *program
	engines map[*ssa.Package]*engine.Engine
	infos   map[*ssa.Function]*fnInfo
}

// access is one map access as seen from one function: its own operation,
// one it reaches through a call, or one a goroutine it starts makes.
type access struct {
	fn      *ssa.Function
	ref     ref.Ref // the map, in fn's namespace
	key     string  // the map at the type level ("pkg.T.f", a global), "" when only fn names it
	kind    ops.Kind
	verb    string    // "assign", "delete", "range", "maps.Copy", ...
	op      token.Pos // the operation itself (NoPos when not known)
	at      token.Pos // where fn leads to it: the operation, a call, a go statement, a defer
	own     bool      // fn performs it itself
	g       int       // the goroutine of fn that performs it, -1 for fn's own goroutine
	d       int       // the deferred call of fn that performs it, -1 if none
	locks   []lock    // held while it happens (a must-set)
	running []int     // the goroutines of fn that may run meanwhile (g == -1 && d == -1 only)
	fresh   bool      // the map, or the struct holding it, was allocated in fn
}

// lock is a lock held at an access.
type lock struct {
	ref    ref.Ref
	key    string // the mutex at the type level, "" if none
	name   string // as the program writes it: "c.mu"
	shared bool   // held by RLock
}

// goroutine is a goroutine a function starts.
type goroutine struct {
	pos      token.Pos
	siblings bool  // several instances from this start may run at once
	overlaps []int // other goroutines of the function that may run at the same time
}

// deferred is a deferred call of a function.
type deferred struct {
	pos     token.Pos
	running []int // goroutines that may still run when it runs
}

// fnInfo is what the engine found in one function.
type fnInfo struct {
	accs   []access
	gs     []goroutine
	defers []deferred
}

// analyze creates the engines.
func (p *program) analyze() *analysis {
	a := &analysis{p: p, engines: map[*ssa.Package]*engine.Engine{}, infos: map[*ssa.Function]*fnInfo{}}
	imported := func(fn *ssa.Function) *engine.Summary {
		pkg := fn.Pkg
		if pkg == nil && fn.Origin() != nil {
			pkg = fn.Origin().Pkg
		}
		e := a.engines[pkg]
		if e == nil || len(fn.Blocks) == 0 {
			return nil
		}
		return e.Result(fn).Summary
	}
	for _, sp := range p.srcPkgs {
		a.engines[sp.pkg] = engine.New(p.fset, sp.pkg, sp.funcs, imported)
	}
	return a
}

// info returns the engine's result for fn in the package's terms.
func (a *analysis) info(fn *ssa.Function) *fnInfo {
	if fi, ok := a.infos[fn]; ok {
		return fi
	}
	fi := &fnInfo{}
	a.infos[fn] = fi
	e := a.engines[fn.Pkg]
	if e == nil || len(fn.Blocks) == 0 {
		return fi
	}
	r := e.Result(fn)
	for i, acc := range r.Accesses {
		x := a.access(fn, acc)
		x.own = acc.Via == nil && acc.Op.IsValid()
		if i < len(r.Running) {
			x.running = r.Running[i]
		}
		fi.accs = append(fi.accs, x)
	}
	for _, g := range r.Goroutines {
		fi.gs = append(fi.gs, goroutine{pos: g.Pos, siblings: g.Siblings, overlaps: g.Overlaps})
		for _, acc := range g.Accesses {
			x := a.access(fn, acc)
			x.g, x.at = g.Index, g.Pos
			fi.accs = append(fi.accs, x)
		}
	}
	for _, d := range r.Defers {
		fi.defers = append(fi.defers, deferred{pos: d.Pos, running: d.Running})
		for _, acc := range d.Accesses {
			x := a.access(fn, acc)
			x.d, x.at = d.Index, d.Pos
			x.locks = locksOf(d.Locks.Union(acc.Locks))
			fi.accs = append(fi.accs, x)
		}
	}
	return fi
}

func (a *analysis) access(fn *ssa.Function, acc engine.Access) access {
	key := string(acc.TypeKey)
	if key == "" {
		key = a.p.refKey(acc.Ref, fn)
	}
	return access{
		fn: fn, ref: acc.Ref, key: key, kind: acc.Kind, verb: acc.Verb,
		op: acc.Op, at: acc.Pos, g: -1, d: -1,
		locks: locksOf(acc.Locks), fresh: acc.Fresh && madeHere(acc.Ref),
	}
}

// madeHere narrows the engine's Fresh to maps the function makes itself,
// or that sit in a composite literal it allocates: a struct parameter
// copied by value is an allocation of the function too, but its map is
// the caller's.
func madeHere(r ref.Ref) bool {
	switch v := r.Value.(type) {
	case *ssa.MakeMap:
		return true
	case *ssa.Alloc:
		return v.Comment == "complit"
	}
	return false
}

func locksOf(ls engine.LockSet) []lock {
	var out []lock
	for _, h := range ls {
		out = append(out, lock{ref: h.Lock, key: string(h.TypeKey), name: h.Name, shared: h.Shared})
	}
	return out
}

// refKey names the map r denotes at the type level when its path ends in
// a field of a struct ("pkgpath.T.f", as ref.TypeKey does for the
// operation's own value) or r is a package variable; "" otherwise. The
// engine's TypeKey is the operation's own; a caller that reaches a
// callee's parameter through a field needs it computed from the Ref.
func (p *program) refKey(r ref.Ref, fn *ssa.Function) string {
	var t types.Type
	switch r.Kind {
	case ref.Global:
		path, name := splitKey(r.Var)
		pkg := p.prog.ImportedPackage(path)
		if pkg == nil {
			return ""
		}
		g, ok := pkg.Members[name].(*ssa.Global)
		if !ok {
			return ""
		}
		if strings.Trim(r.Path, "*&") == "" {
			return r.Var
		}
		t = g.Type()
	case ref.Local:
		if r.Value == nil {
			return ""
		}
		t = r.Value.Type()
	case ref.Param:
		if r.Index >= len(fn.Params) {
			return ""
		}
		t = fn.Params[r.Index].Type()
	case ref.FreeVar:
		if r.Index >= len(fn.FreeVars) {
			return ""
		}
		t = fn.FreeVars[r.Index].Type()
	default:
		return ""
	}
	key := ""
	for _, step := range r.Steps() {
		switch {
		case step == "*":
			if ptr, ok := t.Underlying().(*types.Pointer); ok {
				t = ptr.Elem()
			}
			continue // a load keeps the key of what it loads
		case step == "&":
			t = types.NewPointer(t)
			continue
		case step == "[]":
			key = ""
			t = elem(t)
		default: // ".f"
			st, ok := t.Underlying().(*types.Struct)
			if !ok {
				return ""
			}
			f := field(st, step[1:])
			if f == nil {
				return ""
			}
			key = ownerName(t) + step
			t = f.Type()
		}
		if t == nil {
			return ""
		}
	}
	return key
}

func splitKey(key string) (path, name string) {
	i := strings.LastIndexByte(key, '.')
	return key[:i], key[i+1:]
}

func elem(t types.Type) types.Type {
	switch u := t.Underlying().(type) {
	case *types.Slice:
		return u.Elem()
	case *types.Array:
		return u.Elem()
	case *types.Map:
		return u.Elem()
	case *types.Pointer:
		if a, ok := u.Elem().Underlying().(*types.Array); ok {
			return a.Elem()
		}
	}
	return nil
}

func field(st *types.Struct, name string) *types.Var {
	for i := 0; i < st.NumFields(); i++ {
		if st.Field(i).Name() == name {
			return st.Field(i)
		}
	}
	return nil
}

// ownerName names a struct type as ref.TypeKey does.
func ownerName(t types.Type) string {
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
		return n.Obj().Pkg().Path() + "." + n.Obj().Name()
	}
	return t.String()
}

// excludes reports whether holding s on one side and t on the other keeps
// the two sides apart: a lock held by both, by at least one exclusively.
// Across functions the locks are compared at the type level (c.mu of a
// *Cache is "pkg.Cache.mu" wherever it is taken), within one function by
// their Refs.
func excludes(s, t []lock) bool {
	for _, x := range s {
		for _, y := range t {
			same := x.ref == y.ref || (x.key != "" && x.key == y.key)
			if same && (!x.shared || !y.shared) {
				return true
			}
		}
	}
	return false
}

// startKind classifies how an instruction starts a goroutine.
type startKind uint8

const (
	notStart startKind = iota
	goStmt
	afterFunc
	errgroupGo
	waitGroupGo
)

// startOf returns what instr starts on another goroutine: the function
// (nil when not known statically) and the kind of start.
func startOf(instr ssa.Instruction) (*ssa.Function, startKind) {
	s := ops.StartOf(instr)
	if s == nil {
		return nil, notStart
	}
	switch s.Kind {
	case ops.GoStmt:
		return s.Fn, goStmt
	case ops.AfterFunc:
		return s.Fn, afterFunc
	case ops.ErrgroupGo, ops.ErrgroupTryGo:
		return s.Fn, errgroupGo
	}
	return s.Fn, waitGroupGo
}
