package patch

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"
)

// The edits in runtime. The runtime half of mapguard keeps each goroutine's
// latest map write in its g, and the runtime's wrappers of Delete and Clear
// pass their caller down (wrapped.go), so these places in the runtime
// change, each on the line where it is:
//
//	type g struct { ...                     the last field, before the brace:
//	    valgrindStackID uintptr             mapguard mapguardG;
//	}
//	func newproc1(...) { ...                after the new goroutine's id is set:
//	    newg.goid = pp.goidcache            ...; newg.mapguard = mapguardG{}
//	func reflect_mapassign(...) {           first in the body of each of
//	    p := mapassign(t, m, key)           reflectWrappers: mapguardReflect();
//	func mapdelete(...) { ...               m.GuardDelete(t, key, sys.GetCallerPC(), sys.GetCallerSP())
//	    m.Delete(t, key)
//	func mapclear(...) { ...                m.GuardClear(t, sys.GetCallerPC(), sys.GetCallerSP())
//	    m.Clear(t)
//	stackfree(X.stack)                      before it: mapguardStackFreed(X, X.stack);
//	stackfree(old) in copystack(gp, ...)    before it: mapguardStackFreed(gp, old);
//
// newproc1 reuses the g of a goroutine that exited, so the record is zeroed
// there; a g that is dead keeps the record of its last goroutine, which the
// report can still name. The declarations the added runtime/mapguard.go
// uses are checked in anchors.go.

// runtimePkg is the runtime with the patch's edits, and what the scan
// found in it for the inventory to check.
type runtimePkg struct {
	*source
	found runtimeFound
}

// runtimeFound is what the scan noted.
type runtimeFound struct {
	gStructs, newprocs int
	reflect            map[string]int // reflect wrappers found
	wrappers           map[string]int // Delete and Clear's wrappers found
	frees              map[string]int // stack frees by function
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

// stackFreers are the runtime functions that must free a goroutine's stack:
// stack growth and shrinking, and the two that free a dead goroutine's.
var stackFreers = []string{"copystack", "gfput", "markrootFreeGStacks"}

func loadRuntime(opt Options) (*runtimePkg, error) {
	s, err := load(opt, "runtime")
	if err != nil {
		return nil, err
	}
	return &runtimePkg{source: s, found: runtimeFound{
		reflect: map[string]int{}, wrappers: map[string]int{}, frees: map[string]int{},
	}}, nil
}

// scan makes the runtime edits and notes what it finds.
func (rt *runtimePkg) scan() error {
	err := rt.types(func(f *srcFile, ts *ast.TypeSpec) error {
		if ts.Name.Name == "g" {
			return rt.findG(f, ts)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return rt.funcs(func(f *srcFile, fd *ast.FuncDecl) error {
		if fd.Recv != nil {
			return nil
		}
		n, err := rt.findStackFrees(f, fd)
		if err != nil {
			return err
		}
		rt.found.frees[fd.Name.Name] += n
		switch name := fd.Name.Name; {
		case name == "newproc1":
			rt.found.newprocs += rt.findGoid(f, fd)
		case slices.Contains(reflectWrappers, name):
			rt.found.reflect[name]++
			return rt.findReflectWrapper(f, fd)
		}
		return rt.findWrapper(f, fd)
	})
}

// inventory checks that each runtime edit found its place exactly once.
func (rt *runtimePkg) inventory() error {
	if rt.found.gStructs != 1 {
		return rt.shapeError(nil, token.NoPos, "type g struct { ... }", fmt.Sprintf("%d declarations of g", rt.found.gStructs))
	}
	if rt.found.newprocs != 1 {
		return rt.shapeError(nil, token.NoPos, "newproc1: newg.goid = ...", fmt.Sprintf("newproc1 sets the new goroutine's id %d times", rt.found.newprocs))
	}
	if err := rt.checkWrappers(); err != nil {
		return err
	}
	for _, fn := range stackFreers {
		if rt.found.frees[fn] == 0 {
			return rt.shapeError(nil, token.NoPos, "func "+fn+"(...) { ... stackfree(...) ... }", fn+" frees no stack")
		}
	}
	for _, w := range reflectWrappers {
		if n := rt.found.reflect[w]; n != 1 {
			return rt.shapeError(nil, token.NoPos, "func "+w+"(...) { ... }", fmt.Sprintf("%d declarations of %s", n, w))
		}
	}
	return nil
}

// findG adds the record's field at the end of type g.
func (rt *runtimePkg) findG(f *srcFile, ts *ast.TypeSpec) error {
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return rt.shapeError(f, ts.Pos(), "type g struct { ... }", "g is not a struct")
	}
	for _, fl := range st.Fields.List {
		for _, n := range fl.Names {
			if n.Name == "mapguard" {
				return rt.shapeError(f, n.Pos(), "no field g.mapguard", "the runtime's g already has a field mapguard")
			}
		}
	}
	rt.found.gStructs++
	rt.edit(f, st.Fields.Closing, token.NoPos, "mapguard mapguardG; ")
	rt.site(f, st.Fields.Closing, "type g", GField, "")
	return nil
}

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
			err = rt.shapeError(f, call.Pos(), anchor, fd.Name.Name+" frees a stack that mapguard cannot tie to a goroutine")
			return false
		}
		n++
		rt.edit(f, es.Pos(), token.NoPos, "mapguardStackFreed("+g+", "+stk+"); ")
		rt.site(f, es.Pos(), fd.Name.Name, StackFree, "")
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
func (rt *runtimePkg) findGoid(f *srcFile, fd *ast.FuncDecl) int {
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
			rt.edit(f, as.End(), token.NoPos, "; "+x.Name+".mapguard = mapguardG{}")
			rt.site(f, as.Pos(), "newproc1", GReset, "")
		}
		return true
	})
	return n
}

// findReflectWrapper puts mapguardReflect() first in a reflect wrapper,
// which must call a map write (mapassign*, mapdelete*, mapclear).
func (rt *runtimePkg) findReflectWrapper(f *srcFile, fd *ast.FuncDecl) error {
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
		return rt.shapeError(f, fd.Pos(), "func "+fd.Name.Name+"(...) { ... mapassign/mapdelete/mapclear(...) ... }", fd.Name.Name+" does not write a map the way mapguard expects")
	}
	rt.edit(f, fd.Body.List[0].Pos(), token.NoPos, "mapguardReflect(); ")
	rt.site(f, fd.Body.List[0].Pos(), fd.Name.Name, ReflectCallers, "")
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
