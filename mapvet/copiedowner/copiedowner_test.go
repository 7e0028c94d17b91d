package copiedowner_test

import (
	"testing"

	"github.com/mapsafe/mapsafe/mapvet/copiedowner"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), copiedowner.Analyzer, "a")
}
