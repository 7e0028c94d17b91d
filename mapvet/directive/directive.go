package directive

import (
	_ "embed"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"golang.org/x/tools/go/analysis"
)

//go:embed doc.go
var doc string

// Info is the check's metadata.
var Info = diag.Info{Name: "mapvetignore", Severity: diag.Warning}

// Analyzer is the check.
var Analyzer = &analysis.Analyzer{
	Name: Info.Name,
	Doc:  diag.Doc(doc, Info.Name),
	URL:  "https://github.com/mapsafe/mapsafe/blob/main/docs/mapvet.md#suppressing-a-report",
	Run:  run,
}

func run(pass *analysis.Pass) (any, error) {
	c := diag.NewChecker(pass, Info.Name)
	return nil, c.Run(func() {
		for _, f := range pass.Files {
			for _, d := range diag.Directives(f) {
				c.At(d.Pos)
				check(c, d)
			}
		}
	})
}

func check(c *diag.Checker, d diag.Directive) {
	if len(d.Checks) == 0 {
		c.Reportf(d.Pos, "mapvet:ignore needs a check name and a reason, e.g. //mapvet:ignore sharedmap written before Start returns")
		return
	}
	for _, name := range d.Checks {
		if !known(name) {
			c.Reportf(d.Pos, "mapvet:ignore names unknown check %q (checks: %s); it suppresses nothing", name, strings.Join(diag.Checks, ", "))
			return
		}
	}
	if d.Reason == "" {
		c.Reportf(d.Pos, "mapvet:ignore %s needs a reason after the check name; without one it suppresses nothing", strings.Join(d.Checks, ","))
	}
}

func known(name string) bool {
	for _, c := range diag.Checks {
		if c == name {
			return true
		}
	}
	return false
}
