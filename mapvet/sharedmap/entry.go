package sharedmap

import (
	"fmt"
	"go/token"
	"go/types"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/phrase"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// Entry methods. Some methods run on many goroutines at once whoever
// calls them, and whether or not this package registers them:
//
//   - an HTTP handler's ServeHTTP(http.ResponseWriter, *http.Request): the
//     server runs it for every request;
//   - the methods of a gRPC service implementation (a type embedding its
//     generated Unimplemented...Server): the server runs them for every
//     call.
//
//   - a function literal with a handler's signature, func(http.ResponseWriter,
//     *http.Request): middleware returns one as the handler it wraps, and
//     the server runs it for every request.
//
// Two runs of such a method race on what they share — the receiver's maps,
// package maps, the maps a handler closure captured — when one writes
// without a lock the other holds. The requests' own values (the request,
// maps made per call) are not shared. For a function literal, what it
// captured counts where the literal itself uses it (not through the
// handler it wraps, which is judged on its own), and in a test file only
// package maps count: what a test's handler captured is usually its
// bookkeeping for requests it makes one at a time.

// entryMethod reports whether fn runs concurrently with itself, what runs
// it, and whether only package variables are shared between runs.
func entryMethod(eng *engine.Engine, fn *ssa.Function) (who string, globalsOnly, ok bool) {
	if fn.Synthetic != "" {
		return "", false, false
	}
	recv := fn.Signature.Recv()
	if recv == nil {
		if fn.Parent() != nil && isHTTPHandlerSig(fn.Signature) {
			return "requests", eng.InTestFile(fn), true
		}
		return "", false, false
	}
	if fn.Name() == "ServeHTTP" && isHTTPHandlerSig(fn.Signature) {
		return "requests", false, true
	}
	if token.IsExported(fn.Name()) && embedsGRPCService(recv.Type()) {
		return "gRPC calls", false, true
	}
	return "", false, false
}

func isHTTPHandlerSig(sig *types.Signature) bool {
	p := sig.Params()
	return p.Len() == 2 && named(p.At(0).Type(), "net/http", "ResponseWriter") && named(p.At(1).Type(), "net/http", "Request")
}

// embedsGRPCService reports whether t (or what it points to) embeds a
// generated Unimplemented<Service>Server.
func embedsGRPCService(t types.Type) bool {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := range st.NumFields() {
		f := st.Field(i)
		if !f.Embedded() {
			continue
		}
		ft := f.Type()
		if p, ok := ft.(*types.Pointer); ok {
			ft = p.Elem()
		}
		if n, ok := types.Unalias(ft).(*types.Named); ok {
			name := n.Obj().Name()
			if len(name) > len("UnimplementedServer") && name[:len("Unimplemented")] == "Unimplemented" && name[len(name)-len("Server"):] == "Server" {
				return true
			}
		}
	}
	return false
}

func named(t types.Type, pkg, name string) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

// shared reports whether r names something two runs of fn share: the
// receiver's data, a package variable, a captured variable.
func shared(r ref.Ref) bool {
	return r.Kind == ref.Global || r.Kind == ref.Param && r.Index == 0 || r.Kind == ref.FreeVar
}

// checkEntry reports a map that two concurrent runs of an entry method
// use, one writing, with no common lock.
func checkEntry(c *diag.Checker, eng *engine.Engine, r *engine.Result) {
	who, globalsOnly, ok := entryMethod(eng, r.Fn)
	if !ok {
		return
	}
	name := r.Fn.Name()
	literal := r.Fn.Parent() != nil
	if literal {
		name = "the handler function"
	}
	fset := c.Pass.Fset
	done := map[ref.Ref]bool{}
	for i := range r.Accesses {
		w := &r.Accesses[i]
		if w.Kind != ops.Write || !shared(w.Ref) || w.Ref.InElement() || done[w.Ref] {
			continue
		}
		if literal && w.Ref.Kind != ref.Global && (globalsOnly || w.Via != nil) {
			continue
		}
		for j := -1; j < len(r.Accesses); j++ {
			x := w // first the write against itself in another run
			if j >= 0 {
				x = &r.Accesses[j]
			}
			if x.Ref != w.Ref || !x.Kind.Crashes() || common(w.Locks, x.Locks) {
				continue
			}
			done[w.Ref] = true
			c.At(w.Pos)
			msg := fmt.Sprintf("%s run %s at the same time, and it writes %s at %s while another run %s it at %s, with no common lock (%s)",
				who, name, w.Name, phrase.Where(fset, w.Op), phrase.Verb(x), phrase.Where(fset, x.Op), fatal(*w, *x))
			if x == w {
				msg = fmt.Sprintf("%s run %s at the same time, and each run writes %s at %s with no lock (%s)",
					who, name, w.Name, phrase.Where(fset, w.Op), ops.Fatal(ops.Write))
			}
			d := analysis.Diagnostic{Pos: w.Pos, Message: msg,
				Related: []analysis.RelatedInformation{diag.Related(w.Op, "%s", phrase.Access(w))}}
			if x != w {
				d.Related = append(d.Related, diag.Related(x.Op, "%s in another run", phrase.Access(x)))
			}
			c.Report(d)
			break
		}
	}
}

// Types meant for concurrent use. A type that holds a mutex, which one of
// its methods holds around a map field, says its methods are called from
// several goroutines: its exported methods (with a pointer receiver) may
// run at the same time as each other and as themselves. A map field of it
// that one of them writes while another uses it, with no lock in common, is
// reported, unless the map has a guard (guardedby's business). (A mutex
// only ever held around other fields, a slice, a counter, says nothing
// about the maps: badger's Txn has one for its reads and is not for
// concurrent use.)
func checkMutexTypes(c *diag.Checker, eng *engine.Engine) {
	byType := map[*types.Named][]*engine.Result{}
	guardsMaps := map[*types.Named]bool{}
	var order []*types.Named
	for _, fn := range eng.Funcs() {
		t := mutexOwner(fn)
		if t == nil || eng.InTestFile(fn) {
			continue
		}
		r := eng.Result(fn)
		guardsMaps[t] = guardsMaps[t] || locksAroundMaps(r, t)
		if !token.IsExported(fn.Name()) {
			continue
		}
		if byType[t] == nil {
			order = append(order, t)
		}
		byType[t] = append(byType[t], r)
	}
	fset := c.Pass.Fset
	for _, t := range order {
		if !guardsMaps[t] {
			continue // its mutex guards something else (a slice, a counter)
		}
		methods := byType[t]
		done := map[ref.TypeKey]bool{}
		for _, r1 := range methods {
			for i := range r1.Accesses {
				w := &r1.Accesses[i]
				if w.Kind != ops.Write || !receiverField(w.Ref) || done[w.TypeKey] || w.TypeKey == "" {
					continue
				}
				if _, guarded := eng.Guard(w.TypeKey); guarded {
					continue
				}
				r2, x := otherUse(methods, w)
				if x == nil {
					continue
				}
				done[w.TypeKey] = true
				c.At(w.Pos)
				c.Report(analysis.Diagnostic{
					Pos: w.Pos,
					Message: fmt.Sprintf("%s holds a mutex, so its methods may run on several goroutines at once: %s writes %s at %s while %s %s it at %s, with no common lock (%s)",
						t.Obj().Name(), r1.Fn.Name(), w.Name, phrase.Where(fset, w.Op), r2.Fn.Name(), phrase.Verb(x), phrase.Where(fset, x.Op), fatal(*w, *x)),
					Related: []analysis.RelatedInformation{
						diag.Related(w.Op, "%s in %s", phrase.Access(w), r1.Fn.Name()),
						diag.Related(x.Op, "%s in %s", phrase.Access(x), r2.Fn.Name()),
					},
				})
			}
		}
	}
}

// otherUse returns a use of w's map in one of methods (w's own included:
// a method runs alongside itself) that holds no lock in common with w.
func otherUse(methods []*engine.Result, w *engine.Access) (*engine.Result, *engine.Access) {
	for _, r := range methods {
		for j := range r.Accesses {
			x := &r.Accesses[j]
			if x.TypeKey == w.TypeKey && receiverField(x.Ref) && x.Kind.Crashes() && !common(w.Locks, x.Locks) {
				return r, x
			}
		}
	}
	return nil, nil
}

// receiverField reports whether r is a map field of the method's receiver.
func receiverField(r ref.Ref) bool {
	return r.Kind == ref.Param && r.Index == 0 && r.Path != "" && r.Path[0] == '*' && !r.InElement() &&
		strings.Count(r.Path, ".") == 1
}

// locksAroundMaps reports whether one of r's accesses to a map field of its
// receiver holds a mutex of type t's own: the mutex is there for maps.
func locksAroundMaps(r *engine.Result, t *types.Named) bool {
	owner := t.Obj().Pkg().Path() + "." + t.Obj().Name() + "."
	for _, a := range r.Accesses {
		if !receiverField(a.Ref) {
			continue
		}
		for _, h := range a.Locks {
			if strings.HasPrefix(string(h.TypeKey), owner) {
				return true
			}
		}
	}
	return false
}

// mutexOwner returns the named struct type of fn's pointer receiver when
// the type holds a sync.Mutex or sync.RWMutex.
func mutexOwner(fn *ssa.Function) *types.Named {
	recv := fn.Signature.Recv()
	if recv == nil || fn.Synthetic != "" {
		return nil
	}
	p, ok := recv.Type().(*types.Pointer)
	if !ok {
		return nil
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	if !ok {
		return nil
	}
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	for i := range st.NumFields() {
		if named(st.Field(i).Type(), "sync", "Mutex") || named(st.Field(i).Type(), "sync", "RWMutex") {
			return n
		}
	}
	return nil
}
