package deferaccess_test

import (
	"testing"

	"github.com/mapsafe/mapsafe/mapvet/deferaccess"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), deferaccess.Analyzer, "a", "reglib", "reguse")
}
