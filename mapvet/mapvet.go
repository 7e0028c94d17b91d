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
package mapvet

import (
	"github.com/mapsafe/mapsafe/mapvet/deferaccess"
	"github.com/mapsafe/mapsafe/mapvet/directive"
	"github.com/mapsafe/mapsafe/mapvet/rangeinsert"
	"github.com/mapsafe/mapsafe/mapvet/rlockwrite"
	"github.com/mapsafe/mapsafe/mapvet/sharedmap"
	"golang.org/x/tools/go/analysis"
)

// Analyzers returns the checks of the suite, in the order of their docs.
func Analyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		deferaccess.Analyzer,
		rlockwrite.Analyzer,
		sharedmap.Analyzer,
		rangeinsert.Analyzer,
		directive.Analyzer,
	}
}
