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
//	guardedby     map accesses without the lock that guards the map
//	copiedowner   maps shared by copies of their owner with mutexes of their own
//	rangeinsert   inserts into a map during a range over it
//	mapvetignore  //mapvet:ignore directives without a check or a reason
//
// Each check declares its metadata (severity, whether it runs by default)
// in its own package; Suite pairs it with the check's analyzer, and every
// driver selects checks through Select.
package mapvet

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/copiedowner"
	"github.com/mapsafe/mapsafe/mapvet/deferaccess"
	"github.com/mapsafe/mapsafe/mapvet/directive"
	"github.com/mapsafe/mapsafe/mapvet/guardedby"
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

	readers *int // the suite's count of selected checks that read the engine
	engine  bool // this check reads the engine
}

// Config configures the engine the checks share.
type Config = engine.Config

// checks lists the suite in the order of its documentation.
var checks = []struct {
	info   diag.Info
	new    func(eng *analysis.Analyzer) *analysis.Analyzer
	engine bool // reads the engine's results
}{
	{deferaccess.Info, deferaccess.New, true},
	{rlockwrite.Info, rlockwrite.New, true},
	{sharedmap.Info, sharedmap.New, true},
	{guardedby.Info, guardedby.New, true},
	{copiedowner.Info, copiedowner.New, true},
	{rangeinsert.Info, func(*analysis.Analyzer) *analysis.Analyzer { return rangeinsert.Analyzer }, false},
	{directive.Info, func(*analysis.Analyzer) *analysis.Analyzer { return directive.Analyzer }, false},
}

// Suite returns the checks over one engine configured by cfg. Each call
// returns new analyzers, so two suites with different configurations can
// be used in one process. Once Select has chosen its checks, the engine
// lets go of each package's results when those checks are done with them.
func Suite(cfg Config) []Check {
	readers := new(int)
	cfg.Readers = func() int { return *readers }
	out := suite(engine.NewAnalyzer(cfg))
	for i := range out {
		out[i].readers = readers
	}
	return out
}

func suite(eng *analysis.Analyzer) []Check {
	var out []Check
	for _, c := range checks {
		out = append(out, Check{Analyzer: c.new(eng), Severity: c.info.Severity, Default: !c.info.NonDefault, engine: c.engine})
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
	var chosen []Check
	if len(names) == 0 {
		for _, c := range suite {
			if c.Default {
				chosen = append(chosen, c)
			}
		}
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
		chosen = append(chosen, c)
	}
	var out []*analysis.Analyzer
	readers := 0
	for _, c := range chosen {
		if !slices.Contains(out, c.Analyzer) {
			out = append(out, c.Analyzer)
			if c.engine {
				readers++
			}
		}
	}
	if len(chosen) > 0 && chosen[0].readers != nil {
		*chosen[0].readers = readers
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
