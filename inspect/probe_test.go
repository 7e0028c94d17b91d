package inspect_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// gccgoProbe returns the path of the probe (testdata/probe) built by gccgo,
// once per test binary.
func gccgoProbe(t *testing.T) string {
	t.Helper()
	return testenv.GoBuild(t, "./testdata/probe", "-compiler=gccgo")
}

// runProbe runs the gccgo probe and decodes each output line into a new
// value made by newv.
func runProbe(t *testing.T, args ...string) [][]byte {
	t.Helper()
	p := gccgoProbe(t)
	var stderr bytes.Buffer
	cmd := exec.Command(p, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("probe %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	return lines
}

func decode(t *testing.T, line []byte, v interface{}) {
	t.Helper()
	if err := json.Unmarshal(line, v); err != nil {
		t.Fatalf("probe output %.200s: %v", line, err)
	}
}
