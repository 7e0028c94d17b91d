package driver_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var mapvetBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mapvet-test")
	if err != nil {
		panic(err)
	}
	mapvetBin = filepath.Join(dir, "mapvet")
	out, err := exec.Command("go", "build", "-o", mapvetBin, "github.com/mapsafe/mapsafe/cmd/mapvet").CombinedOutput()
	if err != nil {
		panic("building mapvet: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run runs mapvet in the test module and returns stdout, stderr and the
// exit status.
func run(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(mapvetBin, args...)
	cmd.Dir = dir
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

const mod = "testdata/mod"

func TestFindingsText(t *testing.T) {
	stdout, stderr, code := run(t, mod, "./racy")
	if code != 3 {
		t.Fatalf("exit status %d, want 3; stderr:\n%s", code, stderr)
	}
	want := []string{
		"racy/racy.go:13:8: write to c.hits while only the read lock c.mu is held",
		"racy/racy.go:20:3: range over m in deferred func may run while the goroutine started at racy.go:23 writes it at racy.go:23",
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d findings, want %d:\n%s", len(lines), len(want), stdout)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("finding %d:\n got %s\nwant %s...", i, lines[i], w)
		}
	}
}

func TestNoFindings(t *testing.T) {
	stdout, stderr, code := run(t, mod, "./clean")
	if code != 0 || stdout != "" {
		t.Fatalf("exit status %d, stdout %q, stderr %q; want 0 and no output", code, stdout, stderr)
	}
}

// Deferred calls do not run after log.Fatal or os.Exit: the standard
// library's bodies that say so are kept when the others are dropped.
func TestNoReturn(t *testing.T) {
	stdout, stderr, code := run(t, mod, "./exits")
	if code != 0 || stdout != "" {
		t.Fatalf("exit status %d, stdout %q, stderr %q; want 0 and no output", code, stdout, stderr)
	}
}

func TestJSON(t *testing.T) {
	stdout, _, code := run(t, mod, "-json", "./racy")
	if code != 3 {
		t.Fatalf("exit status %d, want 3", code)
	}
	var fs []struct {
		Check, Package, Posn, File, Message string
		Line, Column                        int
		Fixes                               []struct {
			Message string
			Edits   []struct{ File string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &fs); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if len(fs) != 2 || fs[0].Check != "rlockwrite" || fs[0].Line != 13 || fs[1].Check != "deferaccess" {
		t.Fatalf("unexpected findings: %+v", fs)
	}
	if len(fs[0].Fixes) != 1 || len(fs[0].Fixes[0].Edits) != 2 {
		t.Errorf("rlockwrite finding should carry a two-edit fix: %+v", fs[0].Fixes)
	}
	stdout, _, code = run(t, mod, "-json", "./clean")
	if code != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("clean package: exit %d, output %q; want 0 and []", code, stdout)
	}
}

func TestSARIF(t *testing.T) {
	stdout, _, code := run(t, mod, "-sarif", "./racy")
	if code != 3 {
		t.Fatalf("exit status %d, want 3", code)
	}
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						Region struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Tool.Driver.Rules) != 5 || len(log.Runs[0].Results) != 2 {
		t.Fatalf("unexpected SARIF: %s", stdout)
	}
	if r := log.Runs[0].Results[0]; r.RuleID != "rlockwrite" || r.Locations[0].PhysicalLocation.Region.StartLine != 13 {
		t.Errorf("first result: %+v", r)
	}
}

// A package that does not type-check is an error naming file and line.
func TestTypeError(t *testing.T) {
	stdout, stderr, code := run(t, mod, "./broken")
	if code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	if !strings.Contains(stderr, "broken/broken.go:3:17") || !strings.Contains(stderr, "cannot use") {
		t.Errorf("stderr should name the position and the error:\n%s", stderr)
	}
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") || stdout != "" {
		t.Errorf("unexpected output:\nstdout: %s\nstderr: %s", stdout, stderr)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"-checks", "nosuch", "./..."}, {"-nosuchflag"}, {"-json", "-sarif", "./..."}} {
		_, stderr, code := run(t, mod, args...)
		if code != 2 || stderr == "" {
			t.Errorf("mapvet %q: exit %d, stderr %q; want 2 and a message", args, code, stderr)
		}
	}
	_, stderr, code := run(t, mod, "./nosuchdir")
	if code != 1 || !strings.Contains(stderr, "nosuchdir") {
		t.Errorf("missing package: exit %d, stderr %q", code, stderr)
	}
	stdout, _, code := run(t, mod, "help")
	if code != 0 || !strings.Contains(stdout, "deferaccess") || !strings.Contains(stdout, "rangeinsert") {
		t.Errorf("help: exit %d\n%s", code, stdout)
	}
}

func TestChecksFlag(t *testing.T) {
	stdout, _, code := run(t, mod, "-checks", "deferaccess", "./racy")
	if code != 3 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, "deferred func") {
		t.Errorf("-checks deferaccess: exit %d\n%s", code, stdout)
	}
}

func TestVetTool(t *testing.T) {
	cmd := exec.Command("go", "vet", "-vettool="+mapvetBin, "./racy", "./clean")
	cmd.Dir = mod
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet -vettool succeeded on a racy package:\n%s", out)
	}
	for _, want := range []string{"racy.go:13:8: write to c.hits while only the read lock c.mu is held", "racy.go:20:3: range over m in deferred func"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("go vet output lacks %q:\n%s", want, out)
		}
	}
	cmd = exec.Command("go", "vet", "-vettool="+mapvetBin, "./clean")
	cmd.Dir = mod
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go vet -vettool on a clean package: %v\n%s", err, out)
	}
}

func TestFix(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"go.mod", "fixme/fixme.go"} {
		data, err := os.ReadFile(filepath.Join(mod, f))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, stderr, code := run(t, dir, "-fix", "./...")
	if code != 3 || !strings.Contains(stderr, "applied 2 fix(es)") {
		t.Fatalf("-fix: exit %d, stderr %s", code, stderr)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "fixme/fixme.go"))
	for _, want := range []string{"c.mu.Lock()\n\tdefer c.mu.Unlock()", "added := make(map[string]int)", "added[k+\"!\"] = v", "for k, v := range added {\n\t\tm[k] = v\n\t}"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("fixed file lacks %q:\n%s", want, got)
		}
	}
	stdout, _, code := run(t, dir, "./...")
	if code != 0 {
		t.Errorf("after -fix, mapvet still reports:\n%s", stdout)
	}
}

// mapvet finds every reproducer maplab crashes on demand, and none of their
// fixes (a mutex, sync.Map, a snapshot under the lock), which live in the
// same package.
func TestLabReproducers(t *testing.T) {
	stdout, stderr, code := run(t, "../..", "./lab/repro")
	if code != 3 {
		t.Fatalf("exit status %d, want 3; stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	want := map[string]int{
		"(fatal error: concurrent map writes)":                  1,
		"(fatal error: concurrent map read and map write)":      1,
		"(fatal error: concurrent map iteration and map write)": 2, // range, and the deferred range
		"(fatal error: concurrent map clone and map write)":     1,
	}
	got := map[string]int{}
	for _, l := range lines {
		for suffix := range want {
			if strings.HasSuffix(l, suffix) {
				got[suffix]++
			}
		}
	}
	if len(lines) != 5 || len(got) != len(want) {
		t.Fatalf("want the 5 reproducers, got:\n%s", stdout)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%d findings ending %s, want %d:\n%s", got[k], k, n, stdout)
		}
	}
	if !strings.Contains(stdout, "in deferred func") {
		t.Errorf("the deferred-range reproducer is not reported as deferred:\n%s", stdout)
	}
}
