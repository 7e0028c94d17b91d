// Package mapvet is the suite of mapvet checks, for drivers: the mapvet
// command, go vet -vettool, and golangci-lint's plugin loader.
//
// The checks share one engine (internal/engine) that computes, per
// function, map accesses with the locks held, goroutines and joins, and
// deferred calls; each check is a thin analyzer over its result:
//
//	deferaccess   deferred code that touches a map a goroutine may still write
//	rlockwrite    map writes while only RWMutex.RLock is held
//	sharedmap     maps used by several goroutines with no lock or join
//	rangeinsert   inserts into a map during a range over it
//	mapvetignore  //mapvet:ignore directives without a check or a reason
//
// Each check declares its metadata (severity, whether it runs by default)
// in its own package; Suite pairs it with the check's analyzer, and every
// driver selects checks through Select.
package mapvet

import (
	"fmt"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/deferaccess"
	"github.com/mapsafe/mapsafe/mapvet/directive"
	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/rangeinsert"
	"github.com/mapsafe/mapsafe/mapvet/rlockwrite"
	"github.com/mapsafe/mapsafe/mapvet/sharedmap"
	"golang.org/x/tools/go/analysis"
)

// Severity is what a check's finding means for the program.
type Severity = diag.Severity

const (
	Crash   = diag.Crash   // the program can die with a fatal map error
	Warning = diag.Warning // results that vary between runs, or a misused directive
)

// Check is one check of the suite.
type Check struct {
	Analyzer *analysis.Analyzer
	Severity Severity
	Default  bool // runs unless the driver is told which checks to run
}

// Config configures the engine the checks share.
type Config = engine.Config

// checks lists the suite in the order of its documentation.
var checks = []struct {
	info diag.Info
	new  func(eng *analysis.Analyzer) *analysis.Analyzer
}{
	{deferaccess.Info, deferaccess.New},
	{rlockwrite.Info, rlockwrite.New},
	{sharedmap.Info, sharedmap.New},
	{rangeinsert.Info, func(*analysis.Analyzer) *analysis.Analyzer { return rangeinsert.Analyzer }},
	{directive.Info, func(*analysis.Analyzer) *analysis.Analyzer { return directive.Analyzer }},
}

// Suite returns the checks over one engine configured by cfg. Each call
// returns new analyzers, so two suites with different configurations can
// be used in one process.
func Suite(cfg Config) []Check {
	return suite(engine.NewAnalyzer(cfg))
}

func suite(eng *analysis.Analyzer) []Check {
	var out []Check
	for _, c := range checks {
		out = append(out, Check{c.new(eng), c.info.Severity, !c.info.NonDefault})
	}
	return out
}

// Analyzers returns the analyzers of the default checks over the engine
// that takes its settings from its flags, as go vet -vettool runs them.
func Analyzers() []*analysis.Analyzer {
	as, _ := Select(suite(engine.Analyzer), nil)
	return as
}

// Select returns the analyzers of the checks named (all the default checks
// when names is empty), or an error naming an unknown check.
func Select(suite []Check, names []string) ([]*analysis.Analyzer, error) {
	var out []*analysis.Analyzer
	if len(names) == 0 {
		for _, c := range suite {
			if c.Default {
				out = append(out, c.Analyzer)
			}
		}
		return out, nil
	}
	for _, n := range names {
		c, ok := Find(suite, strings.TrimSpace(n))
		if !ok {
			var known []string
			for _, c := range suite {
				known = append(known, c.Analyzer.Name)
			}
			return nil, fmt.Errorf("unknown check %q (checks: %s)", n, strings.Join(known, ", "))
		}
		out = append(out, c.Analyzer)
	}
	return out, nil
}

// Find returns the check named name.
func Find(suite []Check, name string) (Check, bool) {
	for _, c := range suite {
		if c.Analyzer.Name == name {
			return c, true
		}
	}
	return Check{}, false
}
