// Package engine is the analysis every mapvet check shares. For each
// function of a package it computes, on the SSA form:
//
//   - the map accesses the function makes, itself or through the functions
//     it calls, each with the map it touches (package ref) and the locks held;
//   - the goroutines it starts (go statements, time.AfterFunc,
//     errgroup.Group.Go, sync.WaitGroup.Go, and functions that return with
//     a goroutine still running), with those goroutines' accesses named in
//     the starting function's terms;
//   - for every access, which of those goroutines may still be running:
//     a goroutine stops running at a join (WaitGroup.Wait after its Done,
//     errgroup.Group.Wait, a receive from a channel it sends on or closes);
//   - for every deferred call, what it accesses, which locks are held when
//     it runs and which goroutines may run at the same time (deferred calls
//     run last-in first-out, so a `defer wg.Wait()` or `defer mu.Unlock()`
//     registered after it has already run);
//   - a summary of the function for its callers, exported as a fact so
//     that callers in other packages see it too.
//
// The lock and goroutine state is a forward dataflow over the function's
// control-flow graph: locks held is a must-set (intersection at merges),
// running goroutines a may-set (union at merges). Summaries are computed on
// demand, callees first; a call cycle sees an empty summary for the
// function in progress.
//
// Limits, by design: calls through interfaces and function values are not
// followed; a map stored in a slice, or in another map, is one map per
// container; locks taken in a callee count only when held on every return.
package engine

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"

	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// Engine holds the results for one package.
type Engine struct {
	fset    *token.FileSet
	pkg     *ssa.Package
	results map[*ssa.Function]*Result
	busy    map[*ssa.Function]bool
	// imported returns the summary of a function of another package, or nil.
	imported func(*ssa.Function) *Summary
	// importedSums caches imported's answers.
	importedSums map[*ssa.Function]*Summary
	funcs        []*ssa.Function
	// names maps the position of a value's expression (a make call's or
	// any call's parenthesis, a composite literal's brace) to the variable
	// the source assigns it to, for naming maps the SSA form keeps nameless.
	names map[nameKey]string
	// calls maps a call's left parenthesis (the position go/ssa gives the
	// call) to the start of the call expression, for related positions.
	calls map[token.Pos]token.Pos
	// initOnly holds the package's init-only map variables (initonly.go),
	// whose accesses outside init functions are dead after initialization.
	initOnly map[string]bool

	refs   ref.Resolver
	keys   map[ssa.Value]ref.TypeKey
	nonNil map[ref.Ref]bool // neverNil's answers

	funcFields map[ref.TypeKey][]*ssa.Function // fieldFuncs's answer

	declared       map[ref.TypeKey]Held // //mapvet:guardedby comments (guards.go)
	beside         map[ref.TypeKey][]ref.TypeKey
	guards         map[ref.TypeKey]Guard // Guards's answer
	importedGuards map[ref.TypeKey]Guard // other packages' GuardsFacts
	called         map[*ssa.Function]bool
	lockedCalls    map[*ssa.Function]bool
	goroutineBody  map[*ssa.Function]bool // function values a goroutine helper runs

	limits Limits
	caps   Caps

	readers atomic.Int32 // checks still to call Done; see Config.Readers
}

// Done says that a check has finished with the engine's results. The last
// of Config.Readers to call it releases them; a check must not use the
// engine after calling it.
func (e *Engine) Done() {
	if e.readers.Add(-1) == 0 {
		*e = Engine{fset: e.fset, caps: e.caps}
	}
}

// Caps returns what the engine's bounds dropped in the package (caps.go).
func (e *Engine) Caps() Caps {
	c := e.caps
	c.Refs = e.refs.Capped
	return c
}

// refsOf returns the Refs v may denote (ref.Of, remembered).
func (e *Engine) refsOf(v ssa.Value) []ref.Ref { return e.refs.Of(v) }

// typeKeyOf returns v's TypeKey (ref.TypeKeyOf, remembered), or for a
// call's result the one its callee's summary gives.
func (e *Engine) typeKeyOf(v ssa.Value) ref.TypeKey {
	if mi, ok := v.(*ssa.MakeInterface); ok { // a map passed as any
		v = mi.X
	}
	k, ok := e.keys[v]
	if !ok {
		k = ref.TypeKeyOf(v)
		if k == "" {
			k = e.callResultKey(v)
		}
		e.keys[v] = k
	}
	return k
}

// nameKey is a value's expression position and, for a call with several
// results, which result.
type nameKey struct {
	pos token.Pos
	idx int
}

// Name renders r for messages, in fn's namespace.
func (e *Engine) Name(r ref.Ref, fn *ssa.Function) string {
	if r.Kind == ref.Local && r.Value != nil {
		k := nameKey{r.Value.Pos(), 0}
		if x, ok := r.Value.(*ssa.Extract); ok {
			k = nameKey{x.Tuple.Pos(), x.Index}
		}
		if n, ok := e.names[k]; ok {
			return r.Render(n)
		}
	}
	return r.Name(fn)
}

// callStart returns the start of the call expression whose left
// parenthesis is at pos, or pos.
func (e *Engine) callStart(pos token.Pos) token.Pos {
	if p, ok := e.calls[pos]; ok {
		return p
	}
	return pos
}

// indexNames fills e.names from the files' assignments and declarations.
func (e *Engine) indexNames(files []*ast.File) {
	e.names = map[nameKey]string{}
	e.calls = map[token.Pos]token.Pos{}
	add := func(lhs *ast.Ident, rhs ast.Expr, idx int) {
		if lhs == nil || lhs.Name == "_" {
			return
		}
		switch x := ast.Unparen(rhs).(type) {
		case *ast.CallExpr:
			e.names[nameKey{x.Lparen, idx}] = lhs.Name
		case *ast.CompositeLit:
			e.names[nameKey{x.Lbrace, idx}] = lhs.Name
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				e.calls[n.Lparen] = n.Pos()
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					id, _ := l.(*ast.Ident)
					switch {
					case len(n.Lhs) == len(n.Rhs):
						add(id, n.Rhs[i], 0)
					case len(n.Rhs) == 1:
						add(id, n.Rhs[0], i) // v, err := f()
					}
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					switch {
					case len(n.Names) == len(n.Values):
						add(id, n.Values[i], 0)
					case len(n.Values) == 1:
						add(id, n.Values[0], i)
					}
				}
			}
			return true
		})
	}
}

// New returns an engine for pkg. imported may be nil.
func New(fset *token.FileSet, pkg *ssa.Package, funcs []*ssa.Function, imported func(*ssa.Function) *Summary) *Engine {
	if imported == nil {
		imported = func(*ssa.Function) *Summary { return nil }
	}
	e := &Engine{
		fset:     fset,
		pkg:      pkg,
		results:  map[*ssa.Function]*Result{},
		busy:     map[*ssa.Function]bool{},
		imported: imported,
		funcs:    funcs,
		initOnly: initOnlyMaps(pkg, funcs),

		importedSums: map[*ssa.Function]*Summary{},
		keys:         map[ssa.Value]ref.TypeKey{},
		limits:       DefaultLimits,

		goroutineBody: map[*ssa.Function]bool{},
	}
	e.refs.Results = e.callResults
	return e
}

// InTestFile reports whether fn is declared in a _test.go file.
func (e *Engine) InTestFile(fn *ssa.Function) bool { return e.inTestFile(fn.Pos()) }

func (e *Engine) inTestFile(pos token.Pos) bool {
	return strings.HasSuffix(e.fset.Position(pos).Filename, "_test.go")
}

// Funcs returns the package's source functions, function literals included,
// in source order.
func (e *Engine) Funcs() []*ssa.Function { return e.funcs }

// Result returns the analysis of fn, computing it on first use.
func (e *Engine) Result(fn *ssa.Function) *Result {
	if r, ok := e.results[fn]; ok {
		return r
	}
	e.busy[fn] = true
	r := e.analyze(fn)
	delete(e.busy, fn)
	e.results[fn] = r
	return r
}

// summary returns what a call to fn does, or nil when it is not known.
func (e *Engine) summary(fn *ssa.Function) *Summary {
	if len(fn.Blocks) == 0 {
		if o := fn.Origin(); o != nil && o != fn {
			fn = o
		}
	}
	local := fn.Pkg == e.pkg || (fn.Pkg == nil && fn.Synthetic != "")
	if !local || len(fn.Blocks) == 0 {
		s, ok := e.importedSums[fn]
		if !ok {
			s = e.imported(fn)
			e.importedSums[fn] = s
		}
		return s
	}
	if e.busy[fn] {
		return &Summary{} // a call cycle
	}
	return e.Result(fn).Summary
}

// Config is how the engine runs.
type Config struct {
	// Std also analyzes standard library packages. The engine exports
	// facts, so it runs on every dependency of the packages checked;
	// building SSA for all of the standard library (runtime included)
	// would cost more than the checks, so by default the standard
	// library's summaries are not computed: the library functions that
	// touch a map argument are known to package ops. A driver sets Std when
	// standard packages are themselves checked, or when it strips the
	// bodies of the standard packages it does not check (mapvet's driver
	// does both), which makes analysing them free.
	Std bool

	// Limits bound each function's analysis; zero fields take
	// DefaultLimits' values.
	Limits Limits

	// Checked, when set, tells the engine which packages the checks will
	// read its results for. For the others it exports its facts and keeps
	// nothing: a package's SSA form and per-function results are otherwise
	// held until the whole run ends. (A package, not a path: with tests
	// loaded, a path has variants, and only the roots are checked.)
	Checked func(*types.Package) bool

	// Readers, when set, says how many checks read each package's result:
	// once that many have called Engine.Done, the engine lets go of the
	// package's SSA form and results (the checker would hold them until
	// the whole run ends).
	Readers func() int

	// Dropped, when set, is told what the bounds dropped in each package
	// the engine analysed (caps.go), including packages whose results it
	// does not keep.
	Dropped func(pkgPath string, c Caps)
}

// NewAnalyzer returns an analyzer that runs the engine over a package with
// cfg. Its result is *Engine. Each call returns a distinct analyzer: the
// checks that use it must be built for it (see package mapvet).
//
// It builds the package's SSA form itself (build.go) rather than listing
// buildssa in Requires, so that packages the engine skips (the standard
// library without Std) cost nothing.
func NewAnalyzer(cfg Config) *analysis.Analyzer {
	return newAnalyzer(func() Config { return cfg })
}

func newAnalyzer(cfg func() Config) *analysis.Analyzer {
	// The checker starts every package whose dependencies are done, and
	// the Go scheduler interleaves them: with many in flight, each holding
	// its SSA form and half-built results, memory grows with the number
	// started rather than the number of processors. At most GOMAXPROCS
	// packages are analysed at once.
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	return &analysis.Analyzer{
		Name:       "mapflow",
		Doc:        "compute map accesses, locks, goroutines and joins for the mapvet checks",
		URL:        "https://github.com/mapsafe/mapsafe/tree/main/mapvet",
		ResultType: reflect.TypeFor[*Engine](),
		FactTypes:  []analysis.Fact{new(SummaryFact), new(GuardsFact)},
		Run: func(pass *analysis.Pass) (any, error) {
			sem <- struct{}{}
			defer func() { <-sem }()
			return run(pass, cfg())
		},
	}
}

// Analyzer is the engine with its configuration taken from its flags
// (-mapflow.std under go vet -vettool), for drivers that pass flags to
// analyzers.
var Analyzer = func() *analysis.Analyzer {
	var std bool
	a := newAnalyzer(func() Config { return Config{Std: std} })
	a.Flags.BoolVar(&std, "std", false, "also analyze standard library packages (needed when they are checked themselves)")
	return a
}()

// InGOROOT reports whether a file is in GOROOT/src: a standard library file.
func InGOROOT(filename string) bool {
	return strings.HasPrefix(filepath.ToSlash(filename), filepath.ToSlash(build.Default.GOROOT)+"/src/")
}

func isStd(pass *analysis.Pass) bool {
	return len(pass.Files) > 0 && InGOROOT(pass.Fset.File(pass.Files[0].Pos()).Name())
}

func run(pass *analysis.Pass, cfg Config) (res any, err error) {
	var current *ssa.Function
	defer func() {
		if r := recover(); r != nil {
			where := pass.Pkg.Path()
			if current != nil {
				where = fmt.Sprintf("%s (%s)", current, pass.Fset.Position(current.Pos()))
			}
			res, err = nil, fmt.Errorf("internal error in mapflow while analyzing %s: %v\n%s", where, r, debug.Stack())
		}
	}()
	if len(pass.Files) == 0 || !cfg.Std && isStd(pass) {
		return New(pass.Fset, nil, nil, nil), nil
	}
	ssapkg, srcFuncs := buildSSA(pass)
	e := New(pass.Fset, ssapkg, srcFuncs, func(fn *ssa.Function) *Summary {
		obj := fn.Object()
		if obj == nil || obj.Pkg() == nil {
			return nil
		}
		var f SummaryFact
		if !pass.ImportObjectFact(obj, &f) {
			return nil
		}
		return factCodec{pass.Fset, obj.Pkg().Path()}.summary(&f)
	})
	e.limits = cfg.Limits.orDefault()
	e.declared = declaredGuards(pass)
	e.beside = besideLocks(pass)
	e.importedGuards = importGuards(pass)
	e.indexNames(pass.Files)
	for _, fn := range srcFuncs {
		current = fn
		r := e.Result(fn)
		obj := fn.Object()
		if obj == nil || obj.Pkg() != pass.Pkg || r.Summary.empty() {
			continue
		}
		pass.ExportObjectFact(obj, factCodec{pass.Fset, pass.Pkg.Path()}.fact(r.Summary))
	}
	// The checks read the engine from several goroutines at once: compute
	// what they read lazily now (the guards, and with them which functions
	// are helpers), while the engine is still this goroutine's alone.
	e.prepareChecks()
	if f := e.guardsFact(pass.Pkg.Path()); len(f.Guards) > 0 {
		pass.ExportPackageFact(f)
	}
	if cfg.Dropped != nil {
		cfg.Dropped(pass.Pkg.Path(), e.Caps())
	}
	if cfg.Checked != nil && !cfg.Checked(pass.Pkg) {
		return New(pass.Fset, nil, nil, nil), nil // nothing will read it
	}
	if cfg.Readers != nil {
		e.readers.Store(int32(cfg.Readers()))
	}
	return e, nil
}
