// Package driver runs the mapvet suite as a command: load packages with
// go/packages, run the checks with go/analysis/checker, print findings as
// text, JSON or SARIF, optionally apply suggested fixes, and choose the exit
// status. When the go command runs it as a vet tool (go vet
// -vettool=mapvet) it hands over to unitchecker, which speaks that
// protocol.
//
// Exit status: 0 no findings, 3 findings, 1 an error (a package that does
// not load or type-check, an internal error in a check), 2 bad usage.
package driver

import (
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/mapsafe/mapsafe/internal/cli"
	"github.com/mapsafe/mapsafe/mapvet"
	"github.com/mapsafe/mapsafe/mapvet/crash"
	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/unitchecker"
	"golang.org/x/tools/go/packages"
)

// Finding is one diagnostic of one check.
type Finding struct {
	Check   string
	Package string // the package's ID, as go vet -json keys it
	Pos     token.Position
	End     token.Position // zero when the diagnostic has no end
	Message string
	Related []Related // the other side of the race, the goroutine's start, the lock
	Fixes   []analysis.SuggestedFix
	fset    *token.FileSet
}

// Related is a secondary position of a finding.
type Related struct {
	Pos     token.Position
	End     token.Position
	Message string
}

// VetToolMode reports whether args are the go command's vet tool protocol:
// a single *.cfg file, or the -V=full and -flags handshakes.
func VetToolMode(args []string) bool {
	for _, a := range args {
		if a == "-V=full" || a == "-V" || a == "-flags" || a == "--flags" {
			return true
		}
	}
	return len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg")
}

// Main is the mapvet command.
func Main(env cli.Env) error {
	if len(env.Args) > 0 && env.Args[0] == "crash" {
		return crash.Main(env, env.Args[1:])
	}
	if VetToolMode(env.Args) {
		unitchecker.Main(mapvet.Analyzers()...) // exits
	}
	fs := flag.NewFlagSet("mapvet", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var (
		jsonOut  = fs.Bool("json", false, "print findings as JSON, in go vet -json's schema")
		sarifOut = fs.Bool("sarif", false, "print findings as SARIF 2.1.0")
		fix      = fs.Bool("fix", false, "apply the suggested fixes to the source files")
		checks   = fs.String("checks", "", "comma-separated checks to run (default: the default checks; see mapvet help)")
		tests    = true
		dir      = fs.String("C", "", "run in `dir` instead of the current directory")
		verbose  = fs.Bool("v", false, "also report on stderr what the analysis bounds dropped (-budget)")
		budget   = fs.Int("budget", engine.DefaultLimits.Steps, "instructions the analysis may visit in one function before giving up on it (`steps`)")
		cpuprof  = fs.String("cpuprofile", "", "write a CPU profile to `file`")
		memprof  = fs.String("memprofile", "", "write a heap profile to `file` when done")
	)
	fs.BoolVar(&tests, "test", true, "also check test files (as go vet's analyzers spell it)")
	fs.BoolVar(&tests, "tests", true, "same as -test")
	fs.Usage = func() { usage(env.Stderr, fs) }
	if err := fs.Parse(env.Args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return cli.Exit(2, nil)
	}
	args := fs.Args()
	if len(args) > 0 && args[0] == "help" {
		return help(env.Stdout, args[1:])
	}
	if len(args) == 0 {
		usage(env.Stderr, fs)
		return cli.Usagef("no packages given (try ./...)")
	}
	if *jsonOut && *sarifOut {
		return cli.Usagef("-json and -sarif cannot be used together")
	}
	if *budget <= 0 {
		return cli.Usagef("-budget must be positive")
	}
	cfg := Config{Dir: *dir, Patterns: args, Tests: tests, Budget: *budget}
	if *checks != "" {
		cfg.Checks = strings.Split(*checks, ",")
	}
	if _, err := mapvet.Select(mapvet.Suite(mapvet.Config{}), cfg.Checks); err != nil {
		return cli.Usagef("-checks: %v", err)
	}
	if *cpuprof != "" {
		stop, err := startCPUProfile(*cpuprof)
		if err != nil {
			return err
		}
		defer stop()
	}
	if os.Getenv("GOGC") == "" {
		// Standalone mapvet holds every package's syntax and types at once;
		// collecting at half the default growth keeps the peak near 1.5x
		// the live heap instead of 2x (mapvet std: 5.2 GB instead of
		// 8.3 GB, in about the same time; docs/mapvet-realcode.md). GOGC
		// in the environment overrides it.
		debug.SetGCPercent(50)
	}
	res, err := Run(cfg)
	if *memprof != "" {
		if err := writeHeapProfile(*memprof); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	if *verbose {
		reportCaps(env.Stderr, res.Caps)
	}
	switch {
	case *jsonOut:
		err = writeJSON(env.Stdout, res.Findings)
	case *sarifOut:
		err = writeSARIF(env.Stdout, res.Findings, res.Checks)
	default:
		err = writeText(env.Stdout, res.Findings, *dir)
	}
	if err != nil {
		return err
	}
	if *fix {
		n, err := ApplyFixes(res.Findings)
		fmt.Fprintf(env.Stderr, "mapvet: applied %d fix(es)\n", n)
		if err != nil {
			return err
		}
	}
	if len(res.Findings) > 0 {
		return cli.Exit(3, nil)
	}
	return nil
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, `usage: mapvet [flags] packages...
       mapvet help [check]
       go vet -vettool=$(command -v mapvet) [packages]

mapvet reports Go map hazards that end in "fatal error: concurrent map ..."
crashes. Exit status: 0 no findings, 3 findings, 1 error, 2 bad usage.

flags:`)
	fs.PrintDefaults()
}

func help(w io.Writer, names []string) error {
	suite := mapvet.Suite(mapvet.Config{})
	if len(names) == 0 {
		fmt.Fprintln(w, "mapvet checks (mapvet help <check> for details):")
		for _, c := range suite {
			first, _, _ := strings.Cut(c.Analyzer.Doc, "\n")
			on := ""
			if !c.Default {
				on = ", off by default"
			}
			fmt.Fprintf(w, "  %-13s %-8s %s%s\n", c.Analyzer.Name, c.Severity, strings.TrimPrefix(first, c.Analyzer.Name+": "), on)
		}
		return nil
	}
	for _, n := range names {
		c, ok := mapvet.Find(suite, n)
		if !ok {
			return cli.Usagef("unknown check %q", n)
		}
		def := "on by default"
		if !c.Default {
			def = "off by default (select it with -checks)"
		}
		fmt.Fprintf(w, "%s (severity: %s; %s)\n\n%s\n\n%s\n", c.Analyzer.Name, c.Severity, def, c.Analyzer.Doc, c.Analyzer.URL)
	}
	return nil
}

// Config is what to check.
type Config struct {
	Dir      string   // the directory to run in, "" for the current one
	Patterns []string // package patterns, as go list takes them
	Checks   []string // the checks to run; empty for the default checks
	Tests    bool     // also check test files
	Budget   int      // the engine's step budget per function; 0 for the default
}

// Result is what a run found.
type Result struct {
	Findings []Finding      // sorted by position
	Checks   []mapvet.Check // the checks that ran
	Caps     engine.Caps    // what the analysis bounds dropped
}

// Run loads the packages cfg names and returns the findings of its checks.
// A package that fails to load or type-check, or a check that fails, is an
// error naming the position or the check.
func Run(cfg Config) (*Result, error) {
	roots, err := rootFiles(cfg.Dir, cfg.Patterns, cfg.Tests)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	run := newRun(roots, cfg, res)
	analyzers, err := mapvet.Select(run.suite, cfg.Checks)
	if err != nil {
		return nil, err
	}
	for _, a := range analyzers {
		for _, c := range run.suite {
			if c.Analyzer == a {
				res.Checks = append(res.Checks, c)
			}
		}
	}
	pkgs, err := load(cfg, roots)
	if err != nil {
		return nil, err
	}
	for _, p := range pkgs {
		run.checked[p.Types] = true
	}
	graph, err := checker.Analyze(analyzers, pkgs, nil)
	if err != nil {
		return nil, err
	}
	res.Findings, err = collect(graph)
	return res, err
}

// run is the state one Run shares with the engine it configures.
type run struct {
	suite   []mapvet.Check
	checked map[*types.Package]bool // the loaded roots, filled before the analysis
	mu      sync.Mutex
	seen    map[string]bool // packages whose caps are counted
}

func newRun(roots *roots, cfg Config, res *Result) *run {
	r := &run{checked: map[*types.Package]bool{}, seen: map[string]bool{}}
	r.suite = mapvet.Suite(mapvet.Config{
		// The engine analyses the standard library only when a standard
		// package is checked: the others' bodies are stripped (parseFunc).
		Std:     roots.std,
		Limits:  engine.Limits{Steps: cfg.Budget},
		Checked: func(p *types.Package) bool { return r.checked[p] },
		Dropped: func(path string, c engine.Caps) {
			r.mu.Lock()
			defer r.mu.Unlock()
			if !r.seen[path] { // a package and its test variant: once
				r.seen[path] = true
				res.Caps.Add(c)
			}
		},
	})
	return r
}

// load loads the packages cfg names, with their dependencies' syntax.
func load(cfg Config, roots *roots) ([]*packages.Package, error) {
	pcfg := &packages.Config{
		Mode:      packages.LoadAllSyntax,
		Dir:       cfg.Dir,
		Tests:     cfg.Tests,
		ParseFile: parseFunc(roots.files),
	}
	pkgs, err := packages.Load(pcfg, cfg.Patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading packages: %v", err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(cfg.Patterns, " "))
	}
	if errs := loadErrors(pkgs); len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	return pkgs, nil
}

// collect returns the root actions' findings, sorted by position, or the
// analysis failures.
func collect(graph *checker.Graph) ([]Finding, error) {
	var findings []Finding
	var failures []string
	seen := map[string]bool{}
	for act := range graph.All() {
		if act.Err != nil && !strings.HasPrefix(act.Err.Error(), "failed prerequisites") {
			// The cause, in whichever action it is (the engine's
			// failure on a dependency fails every check on its importers).
			failures = append(failures, fmt.Sprintf("%s on package %s: %v", act.Analyzer.Name, act.Package.PkgPath, act.Err))
		}
		if !act.IsRoot || act.Err != nil {
			continue
		}
		for _, d := range act.Diagnostics {
			f := finding(act.Package.Fset, act.Analyzer.Name, act.Package.ID, d)
			// A package and its test variant share files: report once
			// (the first; counts in a message may differ between them).
			key := fmt.Sprintf("%s|%s", f.Check, f.Pos)
			if !seen[key] {
				seen[key] = true
				findings = append(findings, f)
			}
		}
	}
	if len(failures) > 0 {
		sort.Strings(failures)
		return nil, errors.New(strings.Join(failures, "\n"))
	}
	sort.Slice(findings, func(i, j int) bool {
		a, b := findings[i].Pos, findings[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return findings[i].Check < findings[j].Check
	})
	return findings, nil
}

func finding(fset *token.FileSet, check, pkg string, d analysis.Diagnostic) Finding {
	f := Finding{
		Check:   check,
		Package: pkg,
		Pos:     fset.Position(d.Pos),
		Message: d.Message,
		Fixes:   d.SuggestedFixes,
		fset:    fset,
	}
	if d.End.IsValid() {
		f.End = fset.Position(d.End)
	}
	for _, r := range d.Related {
		rel := Related{Pos: fset.Position(r.Pos), Message: r.Message}
		if r.End.IsValid() {
			rel.End = fset.Position(r.End)
		}
		f.Related = append(f.Related, rel)
	}
	return f
}

// roots are the packages to check.
type roots struct {
	files map[string]bool
	std   bool // one of them is in the standard library
}

func rootFiles(dir string, patterns []string, tests bool) (*roots, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles, Dir: dir, Tests: tests}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading packages: %v", err)
	}
	r := &roots{files: map[string]bool{}}
	for _, p := range pkgs {
		for _, f := range p.GoFiles {
			r.files[f] = true
			r.std = r.std || engine.InGOROOT(f)
		}
	}
	return r, nil
}

// parseFunc parses files as go/packages does, except that it empties the
// function bodies of standard library files that are not checked: the
// engine does not analyze the standard library's functions (package ops
// knows the few that touch a map argument), and type-checking their bodies
// was most of mapvet's running time on small packages.
func parseFunc(roots map[string]bool) func(*token.FileSet, string, []byte) (*ast.File, error) {
	return func(fset *token.FileSet, name string, src []byte) (*ast.File, error) {
		f, err := parser.ParseFile(fset, name, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		if f != nil && err == nil && !roots[name] && engine.InGOROOT(name) {
			stripBodies(f)
		}
		return f, err
	}
}

// stripBodies replaces every function body by a bare return of zero
// values, which type-checks whatever the results; and it blanks the
// imports that only the bodies used, so the file type-checks to the same
// package-level types. (Which standard functions never return, the engine
// knows from a table: package ops.)
func stripBodies(f *ast.File) {
	for _, spec := range f.Imports {
		if spec.Name != nil && spec.Name.Name == "." {
			return // which names the bodies took from it is not known
		}
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		fd.Body.List = []ast.Stmt{zeroReturn(fd.Type, fd.Body.Lbrace)}
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	for _, spec := range f.Imports {
		path := strings.Trim(spec.Path.Value, `"`)
		if path == "C" {
			continue
		}
		if spec.Name != nil {
			if n := spec.Name.Name; n != "_" && n != "." && !used[n] {
				spec.Name.Name = "_"
			}
			continue
		}
		name := path[strings.LastIndexByte(path, '/')+1:]
		if strings.HasPrefix(name, "v") && strings.Contains(path, "/") {
			if _, err := strconv.Atoi(name[1:]); err == nil {
				rest := path[:strings.LastIndexByte(path, '/')]
				name = rest[strings.LastIndexByte(rest, '/')+1:]
			}
		}
		if !used[name] {
			spec.Name = &ast.Ident{NamePos: spec.Path.Pos(), Name: "_"}
		}
	}
}

// zeroReturn names unnamed results "_" (parameter names are not part of a
// function's type) and returns a bare return statement, which then returns
// zero values whatever the result types.
func zeroReturn(ft *ast.FuncType, p token.Pos) ast.Stmt {
	if ft.Results != nil {
		for _, field := range ft.Results.List {
			if len(field.Names) == 0 {
				field.Names = []*ast.Ident{{NamePos: field.Pos(), Name: "_"}}
			}
		}
	}
	return &ast.ReturnStmt{Return: p}
}

// loadErrors lists the load, parse and type errors of the packages (and
// their dependencies), each naming its position.
func loadErrors(pkgs []*packages.Package) []string {
	var out []string
	seen := map[string]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			msg := e.Error()
			if e.Pos == "" {
				msg = fmt.Sprintf("package %s: %s", p.PkgPath, e.Msg)
			}
			if !seen[msg] {
				seen[msg] = true
				out = append(out, msg)
			}
		}
	})
	return out
}

// reportCaps says what the analysis bounds dropped (-v).
func reportCaps(w io.Writer, c engine.Caps) {
	if c.Zero() {
		fmt.Fprintln(w, "mapvet: the analysis bounds dropped nothing")
		return
	}
	fmt.Fprintf(w, "mapvet: the analysis bounds dropped %s\n", c)
	for _, fn := range c.OverBudget {
		fmt.Fprintf(w, "mapvet: over the step budget (raise it with -budget): %s\n", fn)
	}
}

// relative renders a file name relative to dir (or the working directory)
// when it is inside it.
func relative(name, dir string) string {
	base, err := filepath.Abs(dir)
	if err != nil {
		return name
	}
	if rel, err := filepath.Rel(base, name); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return name
}
