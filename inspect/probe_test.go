package inspect_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mapsafe/mapsafe/internal/testenv"
)

// The gccgo probe (testdata/probe) is built once per test binary and
// shared by the tests that need it; TestMain removes it.
var probe struct {
	once sync.Once
	dir  string
	path string
	err  error
	log  string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if probe.dir != "" {
		os.RemoveAll(probe.dir)
	}
	os.Exit(code)
}

// gccgoProbe returns the path of the probe built by gccgo.
func gccgoProbe(t *testing.T) string {
	t.Helper()
	testenv.Gccgo(t)
	probe.once.Do(func() {
		probe.dir, probe.err = os.MkdirTemp("", "inspect-probe-")
		if probe.err != nil {
			return
		}
		probe.path = filepath.Join(probe.dir, "probe")
		cmd := exec.Command("go", "build", "-compiler=gccgo", "-o", probe.path, "./testdata/probe")
		out, err := cmd.CombinedOutput()
		probe.err, probe.log = err, string(out)
	})
	if probe.err != nil {
		t.Fatalf("building the gccgo probe: %v\n%s", probe.err, probe.log)
	}
	return probe.path
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
