// Package check makes the go/analysis analyzer of a mapvet check that runs
// over the engine. A check is its metadata, its doc.go and a body that
// reports through a diag.Checker; New wraps the body the same way for every
// check: the engine's result, the checker (directives, recovered panics,
// the message suffix) and the engine's release when the pass is done.
package check

import (
	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"golang.org/x/tools/go/analysis"
)

// Check describes one check over the engine.
type Check struct {
	Info     diag.Info
	Doc      string               // the source of the check's doc.go
	Requires []*analysis.Analyzer // analyzers the body reads besides the engine
	Suffix   string               // ends every message (diag.Checker.Suffix)
	Run      func(c *diag.Checker, eng *engine.Engine)
}

// docsURL is where docs/mapvet.md gives each check a section.
const docsURL = "https://github.com/mapsafe/mapsafe/blob/main/docs/mapvet.md#"

// New returns the check's analyzer over the given engine analyzer (the one
// that takes its settings from flags, or one the driver configured).
func (k Check) New(eng *analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:     k.Info.Name,
		Doc:      diag.Doc(k.Doc, k.Info.Name),
		URL:      docsURL + k.Info.Name,
		Requires: append([]*analysis.Analyzer{eng}, k.Requires...),
		Run: func(pass *analysis.Pass) (any, error) {
			e := pass.ResultOf[eng].(*engine.Engine)
			defer e.Done()
			c := diag.NewChecker(pass, k.Info.Name)
			c.Suffix = k.Suffix
			return nil, c.Run(func() { k.Run(c, e) })
		},
	}
}
