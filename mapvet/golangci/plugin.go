// Package golangci registers mapvet as a golangci-lint module plugin.
//
// Build a golangci-lint that includes it with `golangci-lint custom` and a
// .custom-gcl.yml naming this package:
//
//	version: v2.15.0
//	plugins:
//	  - module: github.com/mapsafe/mapsafe
//	    import: github.com/mapsafe/mapsafe/mapvet/golangci
//	    version: latest
//
// then enable it in .golangci.yml:
//
//	linters:
//	  enable: [mapvet]
//	  settings:
//	    custom:
//	      mapvet:
//	        type: module
//	        settings:
//	          checks: [deferaccess, rlockwrite, sharedmap, guardedby, copiedowner, rangeinsert]
//
// checks is optional (default: the default checks).
package golangci

import (
	"fmt"

	"github.com/golangci/plugin-module-register/register"
	"github.com/mapsafe/mapsafe/mapvet"
	"golang.org/x/tools/go/analysis"
)

func init() { register.Plugin("mapvet", New) }

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	Checks []string `json:"checks"`
}

type plugin struct{ analyzers []*analysis.Analyzer }

// New returns the plugin for the given settings.
func New(settings any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](settings)
	if err != nil {
		return nil, fmt.Errorf("mapvet settings: %w", err)
	}
	analyzers, err := mapvet.Select(mapvet.Suite(mapvet.Config{}), s.Checks)
	if err != nil {
		return nil, fmt.Errorf("mapvet settings: %w", err)
	}
	return plugin{analyzers}, nil
}

func (p plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) { return p.analyzers, nil }

// GetLoadMode asks for type information: the engine builds SSA from it.
func (plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
