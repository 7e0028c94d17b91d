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
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

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
	Package string
	Pos     token.Position
	End     token.Position
	Message string
	Fixes   []analysis.SuggestedFix
	fset    *token.FileSet
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
		jsonOut  = fs.Bool("json", false, "print findings as a JSON array")
		sarifOut = fs.Bool("sarif", false, "print findings as SARIF 2.1.0")
		fix      = fs.Bool("fix", false, "apply the suggested fixes to the source files")
		checks   = fs.String("checks", "", "comma-separated checks to run (default: all)")
		tests    = fs.Bool("tests", true, "also check test files")
		dir      = fs.String("C", "", "run in `dir` instead of the current directory")
	)
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
	analyzers, err := selectChecks(*checks)
	if err != nil {
		return cli.Exit(2, err)
	}
	findings, err := Run(*dir, args, analyzers, *tests)
	if err != nil {
		return err
	}
	switch {
	case *jsonOut:
		err = writeJSON(env.Stdout, findings)
	case *sarifOut:
		err = writeSARIF(env.Stdout, findings, analyzers)
	default:
		err = writeText(env.Stdout, findings, *dir)
	}
	if err != nil {
		return err
	}
	if *fix {
		n, err := ApplyFixes(findings)
		fmt.Fprintf(env.Stderr, "mapvet: applied %d fix(es)\n", n)
		if err != nil {
			return err
		}
	}
	if len(findings) > 0 {
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
	if len(names) == 0 {
		fmt.Fprintln(w, "mapvet checks (mapvet help <check> for details):")
		for _, a := range mapvet.Analyzers() {
			first, _, _ := strings.Cut(a.Doc, "\n")
			fmt.Fprintf(w, "  %-13s %s\n", a.Name, strings.TrimPrefix(first, a.Name+": "))
		}
		return nil
	}
	for _, n := range names {
		a := find(n)
		if a == nil {
			return cli.Usagef("unknown check %q", n)
		}
		fmt.Fprintf(w, "%s\n\n%s\n\n%s\n", a.Name, a.Doc, a.URL)
	}
	return nil
}

func find(name string) *analysis.Analyzer {
	for _, a := range mapvet.Analyzers() {
		if a.Name == name {
			return a
		}
	}
	return nil
}

func selectChecks(list string) ([]*analysis.Analyzer, error) {
	if list == "" {
		return mapvet.Analyzers(), nil
	}
	var out []*analysis.Analyzer
	for _, n := range strings.Split(list, ",") {
		a := find(strings.TrimSpace(n))
		if a == nil {
			return nil, fmt.Errorf("-checks: unknown check %q", n)
		}
		out = append(out, a)
	}
	return out, nil
}

// Run loads the packages matching patterns (in dir, "" for the current
// directory) and returns the findings of analyzers, sorted by position. A
// package that fails to load or type-check, or a check that fails, is an
// error naming the position or the check.
func Run(dir string, patterns []string, analyzers []*analysis.Analyzer, tests bool) ([]Finding, error) {
	roots, err := rootFiles(dir, patterns, tests)
	if err != nil {
		return nil, err
	}
	cfg := &packages.Config{
		Mode:      packages.LoadAllSyntax,
		Dir:       dir,
		Tests:     tests,
		ParseFile: parseFunc(roots),
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading packages: %v", err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	if errs := loadErrors(pkgs); len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	graph, err := checker.Analyze(analyzers, pkgs, nil)
	if err != nil {
		return nil, err
	}
	var findings []Finding
	var failures []string
	seen := map[string]bool{}
	for act := range graph.All() {
		if !act.IsRoot {
			continue
		}
		if act.Err != nil {
			failures = append(failures, fmt.Sprintf("check %s on package %s: %v", act.Analyzer.Name, act.Package.PkgPath, act.Err))
			continue
		}
		fset := act.Package.Fset
		for _, d := range act.Diagnostics {
			f := Finding{
				Check:   act.Analyzer.Name,
				Package: act.Package.PkgPath,
				Pos:     fset.Position(d.Pos),
				Message: d.Message,
				Fixes:   d.SuggestedFixes,
				fset:    fset,
			}
			if d.End.IsValid() {
				f.End = fset.Position(d.End)
			}
			// A package and its test variant share files: report once.
			key := fmt.Sprintf("%s|%s|%s", f.Check, f.Pos, f.Message)
			if seen[key] {
				continue
			}
			seen[key] = true
			findings = append(findings, f)
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

// rootFiles lists the files of the packages to check. When one of them is
// in the standard library, the engine must analyze the standard library.
func rootFiles(dir string, patterns []string, tests bool) (map[string]bool, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles, Dir: dir, Tests: tests}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading packages: %v", err)
	}
	files := map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.GoFiles {
			files[f] = true
			if inGOROOT(f) {
				if err := engine.Analyzer.Flags.Set("std", "true"); err != nil {
					return nil, err
				}
			}
		}
	}
	return files, nil
}

// parseFunc parses files as go/packages does, except that it empties the
// function bodies of standard library files that are not checked: the
// engine does not analyze the standard library's functions (package ops
// knows the few that touch a map argument), and type-checking their bodies
// was most of mapvet's running time on small packages.
func parseFunc(roots map[string]bool) func(*token.FileSet, string, []byte) (*ast.File, error) {
	return func(fset *token.FileSet, name string, src []byte) (*ast.File, error) {
		f, err := parser.ParseFile(fset, name, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		if f != nil && err == nil && !roots[name] && inGOROOT(name) {
			stripBodies(f)
		}
		return f, err
	}
}

// keepBodies are the standard packages whose bodies ctrlflow needs to see
// that os.Exit, log.Fatal and testing's FailNow never return (the engine
// must not think deferred calls run after them).
var keepBodies = map[string]bool{"os": true, "log": true, "testing": true, "syscall": true}

// stripBodies replaces every function body by a bare return of zero
// values, which type-checks whatever the results and still returns, so ctrlflow does not take the function for one that never
// returns; and it blanks the imports that only the bodies used, so the file
// type-checks to the same package-level types.
func stripBodies(f *ast.File) {
	if keepBodies[f.Name.Name] {
		return
	}
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

func inGOROOT(name string) bool {
	return strings.HasPrefix(filepath.ToSlash(name), filepath.ToSlash(build.Default.GOROOT)+"/src/")
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

// relative renders a file name relative to the working directory when it
// is inside it.
func relative(name, dir string) string {
	base := dir
	if base == "" {
		base, _ = os.Getwd()
	} else if !strings.HasPrefix(base, "/") {
		wd, _ := os.Getwd()
		base = wd + "/" + base
	}
	if base != "" && strings.HasPrefix(name, base+"/") {
		return name[len(base)+1:]
	}
	return name
}
