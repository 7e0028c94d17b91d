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
// the property cases, the fuzz seeds and the growth tracing. The gccgo
// tests do not depend on the gc version and are skipped there; render and
// inspecttest only use the API these exercise, and are left out to keep
// the cost (a Go 1.27 build of the test binaries' dependencies) down.
func TestGo127(t *testing.T) {
	if os.Getenv("INSPECT_NESTED") != "" {
		t.Skip("already running under the nested toolchain")
	}
	tc := testenv.GoToolchain(t, "go1.27.3")
	cmd := exec.Command("go", "test", "-count=1", "-v", "-skip", "Gccgo|Go127", ".", "./internal/check")
	cmd.Env = append(os.Environ(), tc, "INSPECT_NESTED=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("GOTOOLCHAIN=go1.27.3 go test ./inspect ./inspect/internal/check: %v\n%s", err, out)
	}
	s := string(out)
	if !strings.Contains(s, "runtime go1.27.3, GOROOT") {
		t.Errorf("the drift test did not run on go1.27.3:\n%s", s)
	}
	for _, name := range []string{"TestMirrorDrift", "TestSwissCapacitySteps", "TestSwissIterAcrossGrow", "TestCases", "TestSwissTracerFill", "FuzzOps"} {
		if !regexp.MustCompile(`--- PASS: ` + name + ` `).MatchString(s) {
			t.Errorf("%s did not pass under go1.27.3", name)
		}
	}
}
