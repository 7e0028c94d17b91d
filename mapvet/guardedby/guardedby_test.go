package guardedby_test

import (
	"testing"

	"github.com/mapsafe/mapsafe/mapvet/guardedby"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), guardedby.Analyzer, "a", "owner", "user")
}
