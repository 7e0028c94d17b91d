package sharedmap_test

import (
	"testing"

	"github.com/mapsafe/mapsafe/mapvet/sharedmap"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), sharedmap.Analyzer, "a", "facts", "lazy", "lazyuse", "lazyreset", "threading", "discov", "httpsrv")
}
