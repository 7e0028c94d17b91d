package crash

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
)

// program is the source a crash is read against: the packages, one SSA
// program for all of them (the engine's per-function analysis and the call
// graph share its functions), and an index from source lines to functions.
type program struct {
	fset  *token.FileSet
	roots []*packages.Package
	prog  *ssa.Program
	// srcPkgs are the SSA packages built from source (every loaded package
	// outside the standard library), with their source functions.
	srcPkgs []*srcPkg
	// files maps a source file's absolute name to its functions.
	files map[string]*fileFuncs
	// byBase maps a file's base name to the files of that name.
	byBase map[string][]string
	// module is the main module of the roots, nil outside module mode.
	module *packages.Module
	paths  map[string]bool   // import paths of srcPkgs, made on first use
	local  map[string]string // a crash's file (with its package) to the local file
	dir    string            // the -C directory, for relative paths
	tfiles map[string]*token.File
	src    map[string][]byte // file contents, read for messages

	graph *graph // the call graph, made on first use
}

// srcPkg is a package built from source.
type srcPkg struct {
	pkg   *ssa.Package
	funcs []*ssa.Function // source functions, literals included, in source order
	test  bool            // a test variant ("p [p.test]" or "p_test")
}

// fileFuncs is the functions of one file, by source span.
type fileFuncs struct {
	funcs []*ssa.Function // sorted by start; nested literals after their parent
	pkg   *srcPkg
}

// load loads the packages matching patterns (in dir, "" for the current
// directory) with their dependencies and builds SSA for those outside the
// standard library. Standard library files are parsed without function
// bodies: their declarations are all the analysis needs (package ops knows
// the library functions that touch a map), and type-checking the bodies was
// most of the loading time. A body-less standard library file can leave an
// import unused; that type error, in the standard library only, is ignored.
func load(dir string, patterns []string, tests bool) (*program, error) {
	cfg := &packages.Config{
		Mode:  packages.LoadAllSyntax | packages.NeedModule,
		Dir:   dir,
		Tests: tests,
		ParseFile: func(fset *token.FileSet, name string, src []byte) (*ast.File, error) {
			f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
			if f != nil && inGOROOT(name) {
				for _, d := range f.Decls {
					if fd, ok := d.(*ast.FuncDecl); ok {
						fd.Body = nil
					}
				}
			}
			return f, err
		},
	}
	roots, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %v", strings.Join(patterns, " "), err)
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	if errs := loadErrors(roots); len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	p := &program{
		fset:   cfg.Fset,
		roots:  roots,
		files:  map[string]*fileFuncs{},
		byBase: map[string][]string{},
		local:  map[string]string{},
		tfiles: map[string]*token.File{},
		src:    map[string][]byte{},
	}
	if p.fset == nil && len(roots) > 0 {
		p.fset = roots[0].Fset
	}
	for _, r := range roots {
		if r.Module != nil && r.Module.Main {
			p.module = r.Module
			break
		}
	}
	p.build()
	return p, nil
}

// loadErrors lists the errors of packages outside the standard library
// (each error names its position, or the package when it has none).
func loadErrors(pkgs []*packages.Package) []string {
	var out []string
	seen := map[string]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if isStdPackage(p) {
			return
		}
		for _, e := range p.Errors {
			if msg := e.Error(); !seen[msg] {
				seen[msg] = true
				out = append(out, msg)
			}
		}
	})
	return out
}

func isStdPackage(p *packages.Package) bool {
	for _, f := range p.GoFiles {
		return inGOROOT(f)
	}
	return p.Module == nil && !strings.Contains(strings.Split(p.PkgPath, "/")[0], ".")
}

func inGOROOT(name string) bool {
	return strings.HasPrefix(filepath.ToSlash(name), filepath.ToSlash(build.Default.GOROOT)+"/src/")
}

// build creates the SSA program: every package, standard library ones
// from their types only (no bodies), the others from source.
func (p *program) build() {
	p.prog = ssa.NewProgram(p.fset, 0)
	p.prog.SetNoReturn(noReturn)
	created := map[*types.Package]bool{}
	var built []*packages.Package
	packages.Visit(p.roots, nil, func(lp *packages.Package) {
		if lp.Types == nil || created[lp.Types] {
			return
		}
		created[lp.Types] = true
		if isStdPackage(lp) {
			p.prog.CreatePackage(lp.Types, nil, nil, true)
			return
		}
		pkg := p.prog.CreatePackage(lp.Types, lp.Syntax, lp.TypesInfo, true)
		sp := &srcPkg{pkg: pkg, test: strings.HasSuffix(lp.ID, ".test]") || strings.HasSuffix(lp.PkgPath, "_test")}
		p.srcPkgs = append(p.srcPkgs, sp)
		built = append(built, lp)
	})
	// Packages imported only for their types (a dependency of a standard
	// package that is not in the graph) are created on demand.
	for _, lp := range built {
		for _, imp := range lp.Types.Imports() {
			if p.prog.ImportedPackage(imp.Path()) == nil && !created[imp] {
				created[imp] = true
				p.prog.CreatePackage(imp, nil, nil, true)
			}
		}
	}
	p.prog.Build()
	for i, lp := range built {
		sp := p.srcPkgs[i]
		sp.funcs = sourceFuncs(p.prog, lp)
		for _, fn := range sp.funcs {
			p.index(fn, sp)
		}
	}
	for _, ff := range p.files {
		sort.SliceStable(ff.funcs, func(i, j int) bool { return ff.funcs[i].Syntax().Pos() < ff.funcs[j].Syntax().Pos() })
	}
}

// sourceFuncs lists a package's functions declared in source, with their
// function literals, in source order (as buildssa's SrcFuncs).
func sourceFuncs(prog *ssa.Program, lp *packages.Package) []*ssa.Function {
	var out []*ssa.Function
	var add func(fn *ssa.Function)
	add = func(fn *ssa.Function) {
		out = append(out, fn)
		for _, anon := range fn.AnonFuncs {
			add(anon)
		}
	}
	for _, f := range lp.Syntax {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			obj, ok := lp.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			if fn := prog.FuncValue(obj); fn != nil {
				add(fn)
			}
		}
	}
	return out
}

func (p *program) index(fn *ssa.Function, sp *srcPkg) {
	if fn.Syntax() == nil {
		return
	}
	tf := p.fset.File(fn.Syntax().Pos())
	name := tf.Name()
	p.tfiles[name] = tf
	ff := p.files[name]
	if ff == nil {
		ff = &fileFuncs{pkg: sp}
		p.files[name] = ff
		base := filepath.Base(name)
		p.byBase[base] = append(p.byBase[base], name)
	} else if sp.test && !ff.pkg.test {
		// A file in a package and in its test variant: the test variant's
		// functions see the test files too.
		ff.pkg = sp
		ff.funcs = nil
	} else if ff.pkg != sp {
		return
	}
	ff.funcs = append(ff.funcs, fn)
}

// funcAt returns the innermost source function whose body spans line of
// file (a local file name), or nil.
func (p *program) funcAt(file string, line int) *ssa.Function {
	return p.funcAtDepth(file, line, -1)
}

// funcAtDepth returns the innermost function spanning line of file that
// is depth function literals deep (any depth for -1), or the innermost one
// when none is: a call's line may also start a function literal
// (`go func() {`, `sort.Slice(s, func(i, j int) bool {`), and the frame
// is the outer function's.
func (p *program) funcAtDepth(file string, line, depth int) *ssa.Function {
	ff := p.files[file]
	if ff == nil {
		return nil
	}
	var best *ssa.Function
	bestSpan := 0
	for _, fn := range ff.funcs {
		start, end := p.lines(fn)
		if line < start || line > end || depth >= 0 && litDepth(fn) != depth {
			continue
		}
		if span := end - start; best == nil || span <= bestSpan {
			best, bestSpan = fn, span
		}
	}
	if best == nil && depth >= 0 {
		return p.funcAtDepth(file, line, -1)
	}
	return best
}

func litDepth(fn *ssa.Function) int {
	n := 0
	for fn.Parent() != nil {
		fn = fn.Parent()
		n++
	}
	return n
}

// lines returns the first and last line of fn's declaration.
func (p *program) lines(fn *ssa.Function) (int, int) {
	syn := fn.Syntax()
	return p.fset.Position(syn.Pos()).Line, p.fset.Position(syn.End()).Line
}

// noReturn lists the library functions that never return, for the SSA
// control-flow graph (buildssa learns them from ctrlflow's facts; a crash
// needs only the common ones, so that code after them is not taken for
// code that runs).
func noReturn(fn *types.Func) bool {
	return noReturnFuncs[fn.FullName()]
}

var noReturnFuncs = map[string]bool{
	"os.Exit": true, "syscall.Exit": true, "runtime.Goexit": true,
	"log.Fatal": true, "log.Fatalf": true, "log.Fatalln": true,
	"log.Panic": true, "log.Panicf": true, "log.Panicln": true,
	"(*log.Logger).Fatal": true, "(*log.Logger).Fatalf": true, "(*log.Logger).Fatalln": true,
	"(*testing.common).FailNow": true, "(*testing.common).Fatal": true, "(*testing.common).Fatalf": true,
	"(*testing.common).SkipNow": true, "(*testing.common).Skip": true, "(*testing.common).Skipf": true,
}

// fileOf returns a loaded file's token.File, reading its contents for
// messages.
func (p *program) fileOf(name string) *token.File {
	tf := p.tfiles[name]
	if tf != nil && p.src[name] == nil {
		p.src[name], _ = os.ReadFile(name)
	}
	return tf
}
