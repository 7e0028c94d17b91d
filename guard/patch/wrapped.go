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
// exported because the runtime calls them. Every wrapper must call its
// entry point exactly once; the runtime's wrappers must exist.

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

// findWrapped renames fd if it is a wrapped entry point, and passes the
// caller down if it is one of the maps package's wrappers.
func (mp *mapsPkg) findWrapped(f *srcFile, fd *ast.FuncDecl, key string) error {
	if _, ok := wrappedEntries[key]; ok {
		src, err := mp.renameWrapped(f, fd, key)
		if err != nil {
			return err
		}
		mp.stock[f] = append(mp.stock[f], src)
		mp.found.renamed[key]++
	}
	for _, w := range wrappedEntries {
		if w.mapsPref != "" && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, w.mapsPref) {
			if err := mp.passCaller(f, fd, w.method, w.args); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkWrapped checks that each wrapped entry point was renamed once.
func (mp *mapsPkg) checkWrapped() error {
	for e := range wrappedEntries {
		if n := mp.found.renamed[e]; n != 1 {
			return mp.shapeError(nil, token.NoPos, "func "+e+"(...)", fmt.Sprintf("%d declarations of %s", n, e))
		}
	}
	return nil
}

// findWrapper passes the caller down in fd if it is one of the runtime's
// wrappers, and notes that it was found.
func (rt *runtimePkg) findWrapper(f *srcFile, fd *ast.FuncDecl) error {
	for _, w := range wrappedEntries {
		if fd.Recv == nil && fd.Name.Name == w.runtime {
			rt.found.wrappers[w.runtime]++
			return rt.passCaller(f, fd, w.method, w.args)
		}
	}
	return nil
}

// checkWrappers checks that each of the runtime's wrappers was found once.
func (rt *runtimePkg) checkWrappers() error {
	for _, w := range wrappedEntries {
		if n := rt.found.wrappers[w.runtime]; n != 1 {
			return rt.shapeError(nil, token.NoPos, "func "+w.runtime+"(...) { ... m."+w.method+"(...) ... }", fmt.Sprintf("%d declarations of %s", n, w.runtime))
		}
	}
	return nil
}

// renameWrapped renames a wrapped entry point in place, adds its guardPC
// and guardSP parameters, and returns the source of the method that keeps
// the old name.
func (mp *mapsPkg) renameWrapped(f *srcFile, fd *ast.FuncDecl, key string) (string, error) {
	w := wrappedEntries[key]
	recv := fd.Recv.List[0]
	if len(recv.Names) != 1 {
		return "", mp.shapeError(f, fd.Pos(), "func (m *Map) "+w.method+"(...)", "the receiver has no name")
	}
	var names, params []string
	for _, p := range fd.Type.Params.List {
		if len(p.Names) == 0 {
			return "", mp.shapeError(f, p.Pos(), "func (m *Map) "+w.method+"(named parameters)", "a parameter has no name")
		}
		if _, ok := p.Type.(*ast.Ellipsis); ok {
			return "", mp.shapeError(f, p.Pos(), "func (m *Map) "+w.method+"(...)", "a variadic parameter")
		}
		for _, n := range p.Names {
			if n.Name == "_" || n.Name == guardPC || n.Name == guardSP {
				return "", mp.shapeError(f, n.Pos(), "func (m *Map) "+w.method+"(...)", "parameter "+n.Name+" cannot be passed on")
			}
			names = append(names, n.Name)
			params = append(params, n.Name+" "+exprString(p.Type))
		}
	}
	if fd.Type.Results != nil {
		return "", mp.shapeError(f, fd.Pos(), "func (m *Map) "+w.method+"(...) with no results", w.method+" returns something")
	}
	if len(names) != w.args {
		return "", mp.shapeError(f, fd.Pos(), fmt.Sprintf("func (m *Map) %s with %d parameter(s)", w.method, w.args), fmt.Sprintf("%s has %d parameters", w.method, len(names)))
	}
	mp.edit(f, fd.Name.Pos(), fd.Name.End(), "Guard"+w.method)
	mp.edit(f, fd.Type.Params.Closing, token.NoPos, ", "+guardPC+", "+guardSP+" uintptr")
	mp.site(f, fd.Pos(), key, Wrapped, "")
	r := recv.Names[0].Name
	return fmt.Sprintf("// %s is the stock entry point, for callers other than the wrappers\n// (which call Guard%s).\nfunc (%s %s) %s(%s) {\n\t%s.Guard%s(%s, sys.GetCallerPC(), sys.GetCallerSP())\n}\n",
		w.method, w.method, r, exprString(recv.Type), w.method, strings.Join(params, ", "),
		r, w.method, strings.Join(names, ", ")), nil
}

// passCaller makes the one call X.Method(args) in the wrapper fd
// X.GuardMethod(args, sys.GetCallerPC(), sys.GetCallerSP()).
func (s *source) passCaller(f *srcFile, fd *ast.FuncDecl, method string, args int) error {
	var calls []*ast.CallExpr
	ast.Inspect(fd.Body, func(node ast.Node) bool {
		call, ok := node.(*ast.CallExpr)
		if !ok || len(call.Args) != args || call.Ellipsis.IsValid() {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == method {
			if _, ok := sel.X.(*ast.Ident); ok {
				calls = append(calls, call)
			}
		}
		return true
	})
	if len(calls) != 1 {
		return s.shapeError(f, fd.Pos(), fd.Name.Name+": m."+method+"(...) once", fmt.Sprintf("%s calls %s %d times", fd.Name.Name, method, len(calls)))
	}
	if !f.importsSys() {
		return s.shapeError(f, token.NoPos, `import "internal/runtime/sys"`, "the file does not import sys, which the wrapper's call needs for GetCallerPC")
	}
	sel := calls[0].Fun.(*ast.SelectorExpr)
	s.edit(f, sel.Sel.Pos(), sel.Sel.End(), "Guard"+method)
	s.edit(f, calls[0].Rparen, token.NoPos, ", sys.GetCallerPC(), sys.GetCallerSP()")
	s.site(f, fd.Pos(), fd.Name.Name, WrapperCall, "")
	return nil
}
