package sharedmap_test

import (
	"testing"

	"github.com/mapsafe/mapsafe/mapvet"
	"github.com/mapsafe/mapsafe/mapvet/sharedmap"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), sharedmap.Analyzer, "a", "facts", "lazy", "lazyuse", "lazyreset", "threading", "discov", "httpsrv")
}

// With the standard library analysed, sync.Once.Do's body calls its
// function under the Once's mutex; the build is initialization all the
// same, not a write racing the readers.
func TestOnceWithStd(t *testing.T) {
	suite := mapvet.Suite(mapvet.Config{Std: true})
	c, _ := mapvet.Find(suite, "sharedmap")
	analysistest.Run(t, analysistest.TestData(), c.Analyzer, "once")
}
