package rlockwrite_test

import (
	"testing"

	"github.com/mapsafe/mapsafe/mapvet/rlockwrite"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), rlockwrite.Analyzer, "a")
}
