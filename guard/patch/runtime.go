package patch

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// runtimePkg holds the runtime files the patch edits. The runtime half of
// mapguard keeps each goroutine's latest map write in its g, and the
// runtime's wrappers of Delete and Clear pass their caller's address down
// (wrapped.go), so these places in the runtime change, each on the line
// where it is:
//
//	type g struct { ...                     the last field, before the brace:
//	    valgrindStackID uintptr             mapguard mapguardG;
//	}
//	func newproc1(...) { ...                after the new goroutine's id is set:
//	    newg.goid = pp.goidcache            ...; newg.mapguard = mapguardG{}
//	func reflect_mapassign(...) {           first in the body of each of
//	    p := mapassign(t, m, key)           reflectWrappers: mapguardReflect();
//	func mapdelete(...) { ...               m.GuardDelete(t, key, sys.GetCallerPC())
//	    m.Delete(t, key)
//	func mapclear(...) { ...                m.GuardClear(t, sys.GetCallerPC())
//	    m.Clear(t)
//	stackfree(X.stack)                      before it: mapguardStackFreed(X, X.stack);
//	stackfree(old) in copystack(gp, ...)    before it: mapguardStackFreed(gp, old);
//
// newproc1 reuses the g of a goroutine that exited, so the record is zeroed
// there; a g that is dead keeps the record of its last goroutine, which the
// report can still name.
type runtimePkg struct {
	opt   Options
	fset  *token.FileSet
	files []*srcFile
	sites []Site
}

// reflectWrappers are the runtime functions that package reflect calls to
// write maps. Each reaches a maps write entry point through at least one
// more runtime frame, so it records its own callers first.
var reflectWrappers = []string{
	"reflect_mapassign",
	"reflect_mapassign_faststr",
	"reflect_mapdelete",
	"reflect_mapdelete_faststr",
	"reflect_mapclear",
}

func (rt *runtimePkg) shape(f *srcFile, pos token.Pos, anchor, problem string) *ShapeError {
	e := &ShapeError{GoVersion: rt.opt.GoVersion, File: "runtime", Anchor: anchor, Problem: problem}
	if f != nil {
		e.File = f.rel
		if pos.IsValid() {
			e.Line = rt.fset.Position(pos).Line
		}
	}
	return e
}

func (rt *runtimePkg) off(p token.Pos) int { return rt.fset.Position(p).Offset }

func (rt *runtimePkg) site(f *srcFile, p token.Pos, fn, kind string) {
	rt.sites = append(rt.sites, Site{File: f.rel, Line: rt.fset.Position(p).Line, Func: fn, Kind: kind})
}

// find places the three runtime edits; each must be found exactly once.
func (rt *runtimePkg) find() error {
	gStructs, newprocs := 0, 0
	wrappers := map[string]int{}
	calls := map[string]int{}
	frees := map[string]int{}
	for _, f := range rt.files {
		for _, d := range f.ast.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				if d.Tok != token.TYPE {
					continue
				}
				for _, sp := range d.Specs {
					ts := sp.(*ast.TypeSpec)
					if ts.Name.Name != "g" {
						continue
					}
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						return rt.shape(f, ts.Pos(), "type g struct { ... }", "g is not a struct")
					}
					for _, fl := range st.Fields.List {
						for _, n := range fl.Names {
							if n.Name == "mapguard" {
								return rt.shape(f, n.Pos(), "no field g.mapguard", "the runtime's g already has a field mapguard")
							}
						}
					}
					gStructs++
					f.edits = append(f.edits, edit{off: rt.off(st.Fields.Closing), text: "mapguard mapguardG; "})
					rt.site(f, st.Fields.Closing, "type g", "g-field")
				}
			case *ast.FuncDecl:
				if d.Recv != nil || d.Body == nil {
					continue
				}
				n, err := rt.findStackFrees(f, d)
				if err != nil {
					return err
				}
				frees[d.Name.Name] += n
				switch name := d.Name.Name; {
				case name == "newproc1":
					n, err := rt.findGoid(f, d)
					if err != nil {
						return err
					}
					newprocs += n
				case name == "mapdelete" || name == "mapclear":
					for _, w := range wrappedEntries {
						if w.runtime == name {
							calls[name] += wrapperCalls(f, d, w.method, w.args, rt.off)
							rt.site(f, d.Pos(), name, "wrapper-call")
							if !f.importsSys() {
								return rt.shape(f, token.NoPos, `import "internal/runtime/sys"`, "the file does not import sys, which the wrapper's call needs for GetCallerPC")
							}
						}
					}
				case contains(reflectWrappers, name):
					if err := rt.findWrapper(f, d); err != nil {
						return err
					}
					wrappers[name]++
				}
			}
		}
	}
	if gStructs != 1 {
		return rt.shape(nil, token.NoPos, "type g struct { ... }", fmt.Sprintf("%d declarations of g", gStructs))
	}
	if newprocs != 1 {
		return rt.shape(nil, token.NoPos, "newproc1: newg.goid = ...", fmt.Sprintf("newproc1 sets the new goroutine's id %d times", newprocs))
	}
	for _, w := range wrappedEntries {
		if calls[w.runtime] != 1 {
			return rt.shape(nil, token.NoPos, w.runtime+": m."+w.method+"(...) once", fmt.Sprintf("%s calls %s %d times", w.runtime, w.method, calls[w.runtime]))
		}
	}
	for _, fn := range stackFreers {
		if frees[fn] == 0 {
			return rt.shape(nil, token.NoPos, "func "+fn+"(...) { ... stackfree(...) ... }", fn+" frees no stack")
		}
	}
	for _, w := range reflectWrappers {
		if wrappers[w] != 1 {
			return rt.shape(nil, token.NoPos, "func "+w+"(...) { ... }", fmt.Sprintf("%d declarations of %s", wrappers[w], w))
		}
	}
	return nil
}

// stackFreers are the runtime functions that must free a goroutine's stack:
// stack growth and shrinking, and the two that free a dead goroutine's.
var stackFreers = []string{"copystack", "gfput", "markrootFreeGStacks"}

// findStackFrees puts mapguardStackFreed before each stackfree(...)
// statement in fd. The freed stack must be X.stack (then its goroutine is
// X) or, in copystack, a variable (the old stack of copystack's goroutine
// parameter).
func (rt *runtimePkg) findStackFrees(f *srcFile, fd *ast.FuncDecl) (int, error) {
	n := 0
	var err error
	ast.Inspect(fd.Body, func(node ast.Node) bool {
		if err != nil {
			return false
		}
		es, ok := node.(*ast.ExprStmt)
		if !ok {
			return true
		}
		call, ok := es.X.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "stackfree" {
			return true
		}
		const anchor = "stackfree(X.stack), or stackfree(old) in copystack(gp *g, ...)"
		var g, stk string
		switch a := call.Args[0].(type) {
		case *ast.SelectorExpr:
			if a.Sel.Name == "stack" {
				g, stk = exprString(a.X), exprString(a)
			}
		case *ast.Ident:
			if fd.Name.Name == "copystack" {
				if g = firstGParam(fd); g != "" {
					stk = a.Name
				}
			}
		}
		if g == "" {
			err = rt.shape(f, call.Pos(), anchor, fd.Name.Name+" frees a stack that mapguard cannot tie to a goroutine")
			return false
		}
		n++
		f.edits = append(f.edits, edit{off: rt.off(es.Pos()), text: "mapguardStackFreed(" + g + ", " + stk + "); "})
		rt.site(f, es.Pos(), fd.Name.Name, "stack-free")
		return true
	})
	return n, err
}

// firstGParam returns the name of fd's first parameter if it is a *g, else "".
func firstGParam(fd *ast.FuncDecl) string {
	ps := fd.Type.Params.List
	if len(ps) == 0 || len(ps[0].Names) == 0 {
		return ""
	}
	if st, ok := ps[0].Type.(*ast.StarExpr); ok {
		if id, ok := st.X.(*ast.Ident); ok && id.Name == "g" {
			return ps[0].Names[0].Name
		}
	}
	return ""
}

// findGoid finds X.goid = ... as a statement of a block in newproc1 and
// zeroes X's record after it.
func (rt *runtimePkg) findGoid(f *srcFile, fd *ast.FuncDecl) (int, error) {
	n := 0
	ast.Inspect(fd.Body, func(node ast.Node) bool {
		blk, ok := node.(*ast.BlockStmt)
		if !ok {
			return true
		}
		for _, s := range blk.List {
			as, ok := s.(*ast.AssignStmt)
			if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 {
				continue
			}
			sel, ok := as.Lhs[0].(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "goid" {
				continue
			}
			x, ok := sel.X.(*ast.Ident)
			if !ok {
				continue
			}
			n++
			f.edits = append(f.edits, edit{off: rt.off(as.End()), text: "; " + x.Name + ".mapguard = mapguardG{}"})
			rt.site(f, as.Pos(), "newproc1", "g-reset")
		}
		return true
	})
	return n, nil
}

// findWrapper puts mapguardReflect() first in a reflect wrapper, which must
// call a map write (mapassign*, mapdelete*, mapclear).
func (rt *runtimePkg) findWrapper(f *srcFile, fd *ast.FuncDecl) error {
	writes := false
	ast.Inspect(fd.Body, func(node ast.Node) bool {
		if call, ok := node.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok {
				for _, p := range []string{"mapassign", "mapdelete", "mapclear"} {
					writes = writes || strings.HasPrefix(id.Name, p)
				}
			}
		}
		return true
	})
	if len(fd.Body.List) == 0 || !writes {
		return rt.shape(f, fd.Pos(), "func "+fd.Name.Name+"(...) { ... mapassign/mapdelete/mapclear(...) ... }", fd.Name.Name+" does not write a map the way mapguard expects")
	}
	f.edits = append(f.edits, edit{off: rt.off(fd.Body.List[0].Pos()), text: "mapguardReflect(); "})
	rt.site(f, fd.Body.List[0].Pos(), fd.Name.Name, "reflect-callers")
	return nil
}

// strictConst is the line of the runtime template that the strict overlay
// changes to true.
const strictConst = "const mapguardStrict = false\n"

// runtimeFile returns runtime/mapguard.go for opt: the template without
// its build constraint, with strict mode switched on if asked.
func runtimeFile(opt Options) ([]byte, error) {
	data := stripIgnore(runtimeTemplate)
	if bytes.Count(data, []byte(strictConst)) != 1 {
		return nil, fmt.Errorf("mapguard's runtime template has no line %q", strings.TrimSpace(strictConst))
	}
	if opt.Strict {
		data = bytes.Replace(data, []byte(strictConst), []byte("const mapguardStrict = true\n"), 1)
	}
	return data, nil
}
