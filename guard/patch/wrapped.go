package patch

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// Delete and Clear are write entry points that the user's code reaches only
// through a wrapper in the runtime (mapdelete, mapclear) or in the maps
// package (runtime_mapdelete_fast32, _fast64, _faststr), so their own
// caller is never the write's site: the wrapper's caller is. The patch
// hands the wrapper's return address and its caller's stack pointer down as
// arguments, and the write records them in place of its own caller's:
//
//	func (m *Map) Delete(typ *abi.MapType, key unsafe.Pointer) {
//	-> func (m *Map) GuardDelete(typ *abi.MapType, key unsafe.Pointer, guardPC, guardSP uintptr) {
//	   (its write start records guardPC and the chain above guardSP)
//	m.Delete(typ, key) in the wrappers
//	-> m.GuardDelete(typ, key, sys.GetCallerPC(), sys.GetCallerSP())
//
// and appends a Delete with the original signature that calls GuardDelete,
// for every other caller (the package's own tests). The new names are
// exported because the runtime calls them.

// wrappedEntries are the write entry points that only wrappers call, and
// the wrappers that must call them: in the runtime package by function
// name, in internal/runtime/maps by name prefix.
var wrappedEntries = map[string]struct {
	method   string // Delete, Clear
	args     int    // arguments of a call to it
	runtime  string // the runtime wrapper
	mapsPref string // the maps wrappers' name prefix, or ""
}{
	"(*Map).Delete": {"Delete", 2, "mapdelete", "runtime_mapdelete"},
	"(*Map).Clear":  {"Clear", 1, "mapclear", ""},
}

// guardPC and guardSP are the added parameters: the wrapper's return
// address and its caller's stack pointer.
const (
	guardPC = "guardPC"
	guardSP = "guardSP"
)

// renameWrapped renames a wrapped entry point in place, adds its guardPC
// parameter, and returns the source of the method that keeps the old name.
func (mp *mapsPkg) renameWrapped(f *srcFile, fd *ast.FuncDecl, key string) (string, error) {
	w := wrappedEntries[key]
	recv := fd.Recv.List[0]
	if len(recv.Names) != 1 {
		return "", mp.shape(f, fd.Pos(), "func (m *Map) "+w.method+"(...)", "the receiver has no name")
	}
	var names, params []string
	for _, p := range fd.Type.Params.List {
		if len(p.Names) == 0 {
			return "", mp.shape(f, p.Pos(), "func (m *Map) "+w.method+"(named parameters)", "a parameter has no name")
		}
		if _, ok := p.Type.(*ast.Ellipsis); ok {
			return "", mp.shape(f, p.Pos(), "func (m *Map) "+w.method+"(...)", "a variadic parameter")
		}
		for _, n := range p.Names {
			if n.Name == "_" || n.Name == guardPC || n.Name == guardSP {
				return "", mp.shape(f, n.Pos(), "func (m *Map) "+w.method+"(...)", "parameter "+n.Name+" cannot be passed on")
			}
			names = append(names, n.Name)
			params = append(params, n.Name+" "+exprString(p.Type))
		}
	}
	if fd.Type.Results != nil {
		return "", mp.shape(f, fd.Pos(), "func (m *Map) "+w.method+"(...) with no results", w.method+" returns something")
	}
	if len(names) != w.args {
		return "", mp.shape(f, fd.Pos(), fmt.Sprintf("func (m *Map) %s with %d parameter(s)", w.method, w.args), fmt.Sprintf("%s has %d parameters", w.method, len(names)))
	}
	f.edits = append(f.edits,
		edit{off: mp.off(fd.Name.Pos()), end: mp.off(fd.Name.End()), text: "Guard" + w.method},
		edit{off: mp.off(fd.Type.Params.Closing), text: ", " + guardPC + ", " + guardSP + " uintptr"})
	mp.sites = append(mp.sites, Site{File: f.rel, Line: mp.fset.Position(fd.Pos()).Line, Func: key, Kind: "wrapped"})
	r := recv.Names[0].Name
	return fmt.Sprintf("// %s is the stock entry point, for callers other than the wrappers\n// (which call Guard%s).\nfunc (%s %s) %s(%s) {\n\t%s.Guard%s(%s, sys.GetCallerPC(), sys.GetCallerSP())\n}\n",
		w.method, w.method, r, exprString(recv.Type), w.method, strings.Join(params, ", "),
		r, w.method, strings.Join(names, ", ")), nil
}

// wrapperCalls finds the calls X.Method(args) in fd that call a wrapped
// entry point and makes them X.GuardMethod(args, sys.GetCallerPC()). It
// returns how many it changed.
func wrapperCalls(f *srcFile, fd *ast.FuncDecl, method string, args int, off func(token.Pos) int) int {
	n := 0
	ast.Inspect(fd.Body, func(node ast.Node) bool {
		call, ok := node.(*ast.CallExpr)
		if !ok || len(call.Args) != args || call.Ellipsis.IsValid() {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != method {
			return true
		}
		if _, ok := sel.X.(*ast.Ident); !ok {
			return true
		}
		n++
		f.edits = append(f.edits,
			edit{off: off(sel.Sel.Pos()), end: off(sel.Sel.End()), text: "Guard" + method},
			edit{off: off(call.Rparen), text: ", sys.GetCallerPC(), sys.GetCallerSP()"})
		return true
	})
	return n
}
