package patch

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"sort"
	"strings"
)

// The runtime declarations that inject/runtime_mapguard.go uses, with the
// types it needs. Parameter names do not matter, only types. They were read
// from Go 1.26.8 and Go 1.27.3 (runtime/proc.go, traceback.go, symtab.go,
// symtabinl.go, runtime2.go, panic.go, print.go, runtime1.go, stubs*.go,
// extern.go); TestAnchorsCoverTemplate fails if the template uses a runtime
// name that is not listed here. checkAnchors checks them all before
// anything is generated, so that a runtime whose declarations changed is
// refused with a message naming the declaration rather than failing to
// compile.
var runtimeFuncs = map[string]string{
	"getg":                       "func() *g",
	"getfp":                      "func() uintptr",
	"forEachGRace":               "func(func(gp *g))",
	"systemstack":                "func(func())",
	"stopTheWorld":               "func(stwReason) worldStop",
	"printlock":                  "func()",
	"printunlock":                "func()",
	"gotraceback":                "func() (int32, bool, bool)",
	"fatal":                      "func(string)",
	"readgstatus":                "func(*g) uint32",
	"goroutineheader":            "func(*g)",
	"traceback":                  "func(uintptr, uintptr, uintptr, *g)",
	"findfunc":                   "func(uintptr) funcInfo",
	"(funcInfo).valid":           "func() bool",
	"newInlineUnwinder":          "func(funcInfo, uintptr) (inlineUnwinder, inlineFrame)",
	"(*inlineUnwinder).next":     "func(inlineFrame) inlineFrame",
	"(*inlineUnwinder).srcFunc":  "func(inlineFrame) srcFunc",
	"(*inlineUnwinder).fileLine": "func(inlineFrame) (string, int)",
	"(inlineFrame).valid":        "func() bool",
	"(srcFunc).name":             "func() string",
	"funcNameForPrint":           "func(string) string",
	"funcname":                   "func(funcInfo) string",
	"(guintptr).ptr":             "func() *g",
	"(*guintptr).set":            "func(*g)",
}

var runtimeFields = map[string]string{
	"g.goid":                "uint64",
	"g.stack":               "stack",
	"g.m":                   "*m",
	"g.syscallsp":           "uintptr",
	"stack.lo":              "uintptr",
	"stack.hi":              "uintptr",
	"m.curg":                "*g",
	"m.locks":               "int32",
	"m.mallocing":           "int32",
	"m.preemptoff":          "string",
	"m.p":                   "puintptr",
	"debug.asyncpreemptoff": "int32",
	"mstats.numgc":          "uint32",
	"srcFunc.funcID":        "abi.FuncID",
}

var runtimeTypes = map[string]string{
	"guintptr": "uintptr",
	"hex":      "uint64",
}

var runtimeVars = map[string]string{
	"panicking": "atomic.Uint32",
	"memstats":  "mstats",
}

var runtimeConsts = []string{"_Gscan", "_Gdead", "_Grunning", "stwAllGoroutinesStack", "GOARCH"}

// runtimeDecls is what the runtime package declares, by the keys above.
type runtimeDecls struct {
	funcs  map[string][]string
	fields map[string]string
	types  map[string]string
	vars   map[string]string
	consts map[string]bool
}

// checkAnchors checks every declaration the runtime template uses, and
// that the runtime declares no name starting with mapguard.
func (rt *runtimePkg) checkAnchors() error {
	d := &runtimeDecls{funcs: map[string][]string{}, fields: map[string]string{}, types: map[string]string{}, vars: map[string]string{}, consts: map[string]bool{}}
	for _, f := range rt.files {
		if err := rt.collect(d, f); err != nil {
			return err
		}
	}
	bad := func(anchor, problem string) error { return rt.shapeError(nil, token.NoPos, anchor, problem) }
	for _, k := range sortedKeys(runtimeFuncs) {
		want := runtimeFuncs[k]
		got := d.funcs[k]
		if len(got) == 0 {
			return bad(k+" "+want, "runtime has no "+k)
		}
		if !slices.Contains(got, want) {
			return bad(k+" "+want, fmt.Sprintf("runtime's %s is %s", k, strings.Join(got, " / ")))
		}
	}
	for _, k := range sortedKeys(runtimeFields) {
		if got, want := d.fields[k], runtimeFields[k]; got != want {
			return bad("field "+k+" "+want, fmt.Sprintf("runtime's %s is %q", k, got))
		}
	}
	for _, k := range sortedKeys(runtimeTypes) {
		if got, want := d.types[k], runtimeTypes[k]; got != want {
			return bad("type "+k+" "+want, fmt.Sprintf("runtime's type %s is %q", k, got))
		}
	}
	for _, k := range sortedKeys(runtimeVars) {
		if got, want := d.vars[k], runtimeVars[k]; got != want {
			return bad("var "+k+" "+want, fmt.Sprintf("runtime's var %s is %q", k, got))
		}
	}
	for _, k := range runtimeConsts {
		if !d.consts[k] {
			return bad("const "+k, "runtime has no constant "+k)
		}
	}
	return nil
}

// collect adds f's declarations to d.
func (rt *runtimePkg) collect(d *runtimeDecls, f *srcFile) error {
	clash := func(pos token.Pos, what string) error {
		return rt.shapeError(f, pos, "no runtime name starting with mapguard", "the runtime already declares "+what)
	}
	for _, decl := range f.ast.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			key := funcKey(decl)
			if strings.HasPrefix(decl.Name.Name, "mapguard") {
				return clash(decl.Pos(), key)
			}
			d.funcs[key] = append(d.funcs[key], funcTypeString(decl.Type))
		case *ast.GenDecl:
			for _, sp := range decl.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					if strings.HasPrefix(sp.Name.Name, "mapguard") {
						return clash(sp.Pos(), "type "+sp.Name.Name)
					}
					d.types[sp.Name.Name] = exprString(sp.Type)
					if st, ok := sp.Type.(*ast.StructType); ok {
						d.addFields(sp.Name.Name, st)
					}
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						if strings.HasPrefix(n.Name, "mapguard") {
							return clash(n.Pos(), n.Name)
						}
						if decl.Tok == token.CONST {
							d.consts[n.Name] = true
							continue
						}
						if sp.Type != nil {
							d.vars[n.Name] = exprString(sp.Type)
							if st, ok := sp.Type.(*ast.StructType); ok {
								d.addFields(n.Name, st)
							}
						}
					}
				}
			}
		}
	}
	return nil
}

func (d *runtimeDecls) addFields(owner string, st *ast.StructType) {
	for _, fl := range st.Fields.List {
		for _, n := range fl.Names {
			d.fields[owner+"."+n.Name] = exprString(fl.Type)
		}
	}
}

// funcTypeString prints a function type without parameter names:
// func(uintptr, *g) (int32, bool).
func funcTypeString(ft *ast.FuncType) string {
	list := func(fl *ast.FieldList) []string {
		var out []string
		if fl == nil {
			return nil
		}
		for _, f := range fl.List {
			t := exprString(f.Type)
			n := len(f.Names)
			if n == 0 {
				n = 1
			}
			for range n {
				out = append(out, t)
			}
		}
		return out
	}
	s := "func(" + strings.Join(list(ft.Params), ", ") + ")"
	switch res := list(ft.Results); len(res) {
	case 0:
	case 1:
		s += " " + res[0]
	default:
		s += " (" + strings.Join(res, ", ") + ")"
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
