package mapvet_test

import (
	"slices"
	"testing"

	"github.com/mapsafe/mapsafe/mapvet"
	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"golang.org/x/tools/go/analysis"
)

// The names a suppression directive accepts are the checks of the suite.
func TestChecksMatchSuite(t *testing.T) {
	var names []string
	for _, a := range mapvet.Analyzers() {
		if a.Name != "mapvetignore" {
			names = append(names, a.Name)
		}
	}
	if !slices.Equal(names, diag.Checks) {
		t.Errorf("suite checks %v, directive names %v", names, diag.Checks)
	}
	if err := analysis.Validate(mapvet.Analyzers()); err != nil {
		t.Fatal(err)
	}
	for _, a := range mapvet.Analyzers() {
		if a.Doc == "" || a.URL == "" {
			t.Errorf("%s: missing Doc or URL", a.Name)
		}
	}
}
