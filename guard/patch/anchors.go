package patch

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The runtime declarations that inject/runtime_mapguard.go uses, with the
// types it needs. Parameter names do not matter, only types. They were read
// from Go 1.26.8 and Go 1.27.3 (runtime/proc.go, traceback.go, symtab.go,
// symtabinl.go, runtime2.go, panic.go, print.go, runtime1.go, stubs*.go);
// TestAnchorsCoverTemplate fails if the template uses a runtime name that is
// not listed here.
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

// checkRuntime parses the runtime package as built for opt.GOOS/GOARCH,
// checks every anchor and finds the runtime edits (runtime.go).
func checkRuntime(src string, opt Options) (*runtimePkg, error) {
	dir := filepath.Join(src, "runtime")
	if _, err := os.Stat(filepath.Join(dir, "mapguard.go")); err == nil {
		return nil, &ShapeError{GoVersion: opt.GoVersion, File: "runtime/mapguard.go", Anchor: "no file named mapguard.go", Problem: "the toolchain already has a file mapguard adds"}
	}
	ctxt := build.Default
	ctxt.GOROOT = filepath.Dir(src)
	ctxt.GOOS, ctxt.GOARCH = opt.GOOS, opt.GOARCH
	ctxt.CgoEnabled = false
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: reading %s: %v", opt.GoVersion, dir, err)
	}
	d := &runtimeDecls{funcs: map[string][]string{}, fields: map[string]string{}, types: map[string]string{}, vars: map[string]string{}, consts: map[string]bool{}}
	rt := &runtimePkg{opt: opt, fset: token.NewFileSet()}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := ctxt.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(rt.fset, filepath.Join(dir, name), data, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", opt.GoVersion, err)
		}
		if err := d.add(f, opt); err != nil {
			return nil, err
		}
		rt.files = append(rt.files, &srcFile{rel: "runtime/" + name, data: data, ast: f})
	}
	if err := d.check(opt); err != nil {
		return nil, err
	}
	if err := rt.find(); err != nil {
		return nil, err
	}
	return rt, nil
}

func (d *runtimeDecls) add(f *ast.File, opt Options) error {
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			key := funcKey(decl)
			if strings.HasPrefix(decl.Name.Name, "mapguard") {
				return &ShapeError{GoVersion: opt.GoVersion, File: "runtime", Anchor: "no runtime name starting with mapguard", Problem: "the runtime already declares " + key}
			}
			d.funcs[key] = append(d.funcs[key], funcTypeString(decl.Type))
		case *ast.GenDecl:
			for _, sp := range decl.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					if strings.HasPrefix(sp.Name.Name, "mapguard") {
						return &ShapeError{GoVersion: opt.GoVersion, File: "runtime", Anchor: "no runtime name starting with mapguard", Problem: "the runtime already declares type " + sp.Name.Name}
					}
					d.types[sp.Name.Name] = exprString(sp.Type)
					if st, ok := sp.Type.(*ast.StructType); ok {
						d.addFields(sp.Name.Name, st)
					}
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						if strings.HasPrefix(n.Name, "mapguard") {
							return &ShapeError{GoVersion: opt.GoVersion, File: "runtime", Anchor: "no runtime name starting with mapguard", Problem: "the runtime already declares " + n.Name}
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

func (d *runtimeDecls) check(opt Options) error {
	bad := func(anchor, problem string) error {
		return &ShapeError{GoVersion: opt.GoVersion, File: "runtime", Anchor: anchor, Problem: problem}
	}
	for _, k := range sortedKeys(runtimeFuncs) {
		want := runtimeFuncs[k]
		got := d.funcs[k]
		if len(got) == 0 {
			return bad(k+" "+want, "runtime has no "+k)
		}
		if !contains(got, want) {
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
