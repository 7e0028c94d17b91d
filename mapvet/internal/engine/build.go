package engine

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// buildSSA builds the package's SSA form and returns its source functions,
// function literals included, in source order, as passes/buildssa does.
//
// The engine does not use buildssa: buildssa requires ctrlflow (which
// requires inspect) to learn which calls never return, and the checker
// keeps every dependency's ctrlflow and inspect results until the run ends
// (on `mapvet std`, 1.6 of 6.3 GB live). The engine learns it itself:
// calls to the functions ops.NoReturn knows, and functions whose summary
// says they never return (Summary.NoReturn, carried by facts), end their
// path in the dataflow (flow.go).
func buildSSA(pass *analysis.Pass) (*ssa.Package, []*ssa.Function) {
	prog := ssa.NewProgram(pass.Fset, 0)
	for _, p := range pass.Pkg.Imports() {
		prog.CreatePackage(p, nil, nil, true)
	}
	pkg := prog.CreatePackage(pass.Pkg, pass.Files, pass.TypesInfo, false)
	pkg.Build()
	var funcs []*ssa.Function
	var addAnons func(f *ssa.Function)
	addAnons = func(f *ssa.Function) {
		funcs = append(funcs, f)
		for _, anon := range f.AnonFuncs {
			addAnons(anon)
		}
	}
	for _, file := range pass.Files {
		for _, decl := range file.Decls {
			if decl, ok := decl.(*ast.FuncDecl); ok {
				if f := prog.FuncValue(pass.TypesInfo.Defs[decl.Name].(*types.Func)); f != nil {
					addAnons(f)
				}
			}
		}
	}
	return pkg, funcs
}
