package diag_test

import (
	"go/ast"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

func load(t *testing.T) []*packages.Package {
	t.Helper()
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax, Dir: "testdata/p"}, ".")
	if err != nil || len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		t.Fatalf("load: %v %v", err, pkgs)
	}
	return pkgs
}

// A panic in a check becomes an error that names the check and the
// position it was working on, not a crash.
func TestPanicBecomesError(t *testing.T) {
	boom := &analysis.Analyzer{
		Name: "boom",
		Doc:  "panics on the second function",
		Run: func(pass *analysis.Pass) (any, error) {
			c := diag.NewChecker(pass, "boom")
			return nil, c.Run(func() {
				for _, d := range pass.Files[0].Decls {
					fd := d.(*ast.FuncDecl)
					c.At(fd.Pos())
					if fd.Name.Name == "G" {
						panic("boom in G")
					}
				}
			})
		},
	}
	g, err := checker.Analyze([]*analysis.Analyzer{boom}, load(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got error
	for act := range g.All() {
		if act.Analyzer == boom {
			got = act.Err
		}
	}
	if got == nil {
		t.Fatal("no error from a check that panicked")
	}
	for _, want := range []string{"internal error in check boom at ", "p.go:6:1", "boom in G"} {
		if !strings.Contains(got.Error(), want) {
			t.Errorf("error %q lacks %q", got, want)
		}
	}
}

// A directive with a reason quiets its own line and the next one.
func TestSuppression(t *testing.T) {
	noisy := &analysis.Analyzer{
		Name: "boom",
		Doc:  "reports every function",
		Run: func(pass *analysis.Pass) (any, error) {
			c := diag.NewChecker(pass, "boom")
			for _, d := range pass.Files[0].Decls {
				c.Reportf(d.Pos(), "func")
			}
			return nil, nil
		},
	}
	g, err := checker.Analyze([]*analysis.Analyzer{noisy}, load(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for act := range g.All() {
		for _, d := range act.Diagnostics {
			lines = append(lines, act.Package.Fset.Position(d.Pos).Line)
		}
	}
	if len(lines) != 2 || lines[0] != 3 || lines[1] != 8 {
		t.Errorf("reported on lines %v, want [3 8] (G on line 6 is suppressed)", lines)
	}
}

func TestDoc(t *testing.T) {
	src := "// Package x does x.\n//\n// # Analyzer x\n//\n// x: find things\n//\n// More.\npackage x\n"
	if got, want := diag.Doc(src, "x"), "x: find things\n\nMore."; got != want {
		t.Errorf("Doc = %q, want %q", got, want)
	}
}
