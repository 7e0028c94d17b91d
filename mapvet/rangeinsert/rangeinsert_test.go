package rangeinsert_test

import (
	"testing"

	"github.com/mapsafe/mapsafe/mapvet/rangeinsert"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), rangeinsert.Analyzer, "a")
}
