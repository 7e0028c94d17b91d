package inspect_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/internal/testenv"
)

// TestGo127 runs this package's gc tests and the property cases of
// internal/check under the Go 1.27.3 toolchain: the layout drift check
// against Go 1.27's sources, the capacity steps, the iterator experiments,
// the property cases, the fuzz seeds and the growth tracing. It runs them
// twice: with the default group layout, and with GOEXPERIMENT=mapsplitgroup,
// Go 1.27's groups that keep their keys apart from their elements. The
// gccgo tests do not depend on the gc version and are skipped there; render
// and inspecttest only use the API these exercise, and are left out to keep
// the cost (a Go 1.27 build of the test binaries' dependencies, per
// experiment) down.
func TestGo127(t *testing.T) {
	if os.Getenv("INSPECT_NESTED") != "" {
		t.Skip("already running under the nested toolchain")
	}
	tc := testenv.GoToolchain(t, "go1.27.3")
	for _, v := range []struct{ name, experiment, runtime string }{
		{"default", "", "runtime go1.27.3, GOROOT"},
		{"mapsplitgroup", "mapsplitgroup", "runtime go1.27.3-X:mapsplitgroup, GOROOT"},
	} {
		t.Run(v.name, func(t *testing.T) {
			cmd := exec.Command("go", "test", "-count=1", "-v", "-skip", "Gccgo|Go127", ".", "./internal/check")
			cmd.Env = append(os.Environ(), tc, "INSPECT_NESTED=1", "GOEXPERIMENT="+v.experiment)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=%s go test ./inspect ./inspect/internal/check: %v\n%s", v.experiment, err, out)
			}
			s := string(out)
			if !strings.Contains(s, v.runtime) {
				t.Errorf("the drift test did not run on go1.27.3 with GOEXPERIMENT=%q (want %q):\n%s", v.experiment, v.runtime, s)
			}
			for _, name := range []string{"TestMirrorDrift", "TestSwissCapacitySteps", "TestSwissIterAcrossGrow", "TestCases", "TestSwissTracerFill", "FuzzOps"} {
				if !regexp.MustCompile(`--- PASS: ` + name + ` `).MatchString(s) {
					t.Errorf("%s did not pass under go1.27.3 with GOEXPERIMENT=%q", name, v.experiment)
				}
			}
		})
	}
}
