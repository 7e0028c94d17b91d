package crash

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/internal/cli"
)

// The logs in testdata/logs are real crashes of testdata/scenarios
// programs (registry.txt under the default GOTRACEBACK, getter-all.txt
// under GOTRACEBACK=all); testdata/lonely/crash.txt is written by hand.

// runMain runs mapvet crash with args and returns its output and status.
func runMain(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Main(cli.Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args)
	code = cli.Code("mapvet", err, &errb)
	return out.String(), errb.String(), code
}

func TestMainFindsTheWriter(t *testing.T) {
	stdout, stderr, code := runMain(t, "", "-C", "testdata/scenarios", "-log", "../logs/registry.txt", "./registry")
	if code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 2 ||
		!strings.HasPrefix(lines[0], "registry/main.go:24:15: goroutine 1 crashed here with \"concurrent map read and map write\": read of codecs in lookup") ||
		!strings.HasPrefix(lines[1], "registry/main.go:20:8: candidate 1: write to codecs in register, without a lock; reached from the goroutine started at registry/main.go:34") {
		t.Errorf("output:\n%s", stdout)
	}
}

// TestMainInlinedLiteral reads a crash in the literal of a function the
// compiler inlined into its caller: the runtime names the literal after
// both ("main.main.(*Sessions).touch.func1"). Seen on a loaded machine in
// the afterfunc scenario, where touch is inlined into main.
func TestMainInlinedLiteral(t *testing.T) {
	stdout, stderr, code := runMain(t, "", "-C", "testdata/scenarios", "-log", "../logs/afterfunc-inlined.txt", "./afterfunc")
	if code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", code, stdout, stderr)
	}
	if !strings.HasPrefix(stdout, "afterfunc/main.go:24:9: goroutine 3437 crashed here with \"concurrent map writes\": write to s.seen in a func literal in (*Sessions).touch") {
		t.Errorf("output:\n%s", stdout)
	}
}

func TestMainStdinAndJSON(t *testing.T) {
	log, err := os.ReadFile("testdata/logs/getter-all.txt")
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runMain(t, string(log), "-json", "-n", "1", "-C", "testdata/scenarios", "./getter")
	if code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", code, stdout, stderr)
	}
	var out struct{ Crashes []Report }
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	r := out.Crashes[0]
	if r.Map != "getter.Targets.byName" || r.Crash.Kind != "iteration" || len(r.Candidates) != 1 {
		t.Errorf("report %+v", r)
	}
	c := r.Candidates[0]
	if filepath.Base(c.File) != "main.go" || c.Kind != "write" || c.Func != "(*Targets).update" || len(c.Locks) != 1 || c.Locks[0].Name != "t.mu" {
		t.Errorf("candidate 1 %+v", c)
	}
}

func TestMainNoCandidates(t *testing.T) {
	stdout, stderr, code := runMain(t, "", "-C", "testdata/lonely", "-log", "crash.txt", ".")
	if code != 0 || !strings.Contains(stdout, "no other access to lonely.table found") {
		t.Errorf("exit %d, want 0 and no candidate\n%s%s", code, stdout, stderr)
	}
}

func TestMainBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	registry, err := os.ReadFile("testdata/logs/registry.txt")
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(string(registry), "registry/main.go:24", "registry/main.go:17", 1)
	nomap := strings.Replace(strings.Replace(string(registry), "registry/main.go:24", "registry/main.go:42", 1), "main.lookup(...)", "main.main()", 1)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"empty file", []string{"-log", write("empty.log", ""), "./registry"}, "empty.log: empty input"},
		{"no crash", []string{"-log", write("quiet.log", "INFO listening on :8080\nINFO shutting down\n"), "./registry"}, "quiet.log: no Go crash found"},
		{"not a map crash", []string{"-log", write("panic.log", "panic: runtime error: index out of range [5] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:9 +0x1d\nexit status 2\n"), "./registry"},
			"is not a map crash: \"panic: runtime error: index out of range [5] with length 3\""},
		{"another program", []string{"-log", "../../crashlog/testdata/readwrite-single.txt", "./registry"},
			"the crash comes from main.reader at /work/wt/crash/guard/testdata/racer/main.go:86, which is not in the packages given"},
		{"source changed", []string{"-log", write("moved.log", moved), "./registry"}, "registry/main.go:17 is not in lookup in the source (`var codecs = map[string]func(string) string{}`): the source has changed"},
		{"no map operation", []string{"-log", write("nomap.log", nomap), "./registry"}, "registry/main.go:42 holds no map read in the source (`n++`)"},
		{"binary", []string{"-log", write("core", "\x7fELF\x02\x01\x01\x00\x00\x00"), "./registry"}, "core: binary data"},
		{"missing log", []string{"-log", filepath.Join(dir, "nope.log"), "./registry"}, "nope.log: no such file or directory"},
		{"packages that do not load", []string{"-log", "../logs/registry.txt", "./nosuchdir"}, "nosuchdir"},
	} {
		args := append([]string{"-C", "testdata/scenarios"}, tc.args...)
		stdout, stderr, code := runMain(t, "", args...)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1\n%s%s", tc.name, code, stdout, stderr)
			continue
		}
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: stderr %q, want it to contain %q", tc.name, stderr, tc.want)
		}
		if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 0 && tc.name != "packages that do not load" {
			t.Errorf("%s: a %d-line error, want one line:\n%s", tc.name, n+1, stderr)
		}
	}
}

func TestMainUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"-n", "0", "."}, {"-tests", "maybe", "."}, {"-nosuchflag"}} {
		if _, stderr, code := runMain(t, "", args...); code != 2 {
			t.Errorf("%q: exit %d, want 2\n%s", args, code, stderr)
		}
	}
}

func TestMainBuildInfoWarning(t *testing.T) {
	registry, err := os.ReadFile("testdata/logs/registry.txt")
	if err != nil {
		t.Fatal(err)
	}
	// Build information a service printed at start-up, from another module.
	log := "go\tgo1.26.8\npath\texample.com/shop/cmd/api\nmod\texample.com/shop\tv1.4.2\th1:abc=\nbuild\tvcs.revision=0123456789abcdef\n" + string(registry)
	stdout, stderr, code := runMain(t, log, "-C", "testdata/scenarios", "./registry")
	if code != 3 || !strings.Contains(stderr, "warning: the crashed binary was built from module example.com/shop, the source given is module scenarios") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestMainRevisionWarning(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	registry, err := os.ReadFile("testdata/logs/registry.txt")
	if err != nil {
		t.Fatal(err)
	}
	log := "go\tgo1.26.8\npath\tscenarios/registry\nmod\tscenarios\t(devel)\t\nbuild\tvcs.revision=0123456789abcdef0123\nbuild\tvcs.modified=true\n" + string(registry)
	_, stderr, code := runMain(t, log, "-C", "testdata/scenarios", "./registry")
	for _, want := range []string{
		"warning: the crashed binary was built from revision 0123456789ab, the source is at ",
		"warning: the crashed binary was built from a work tree with uncommitted changes",
	} {
		if code != 3 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, stderr lacks %q:\n%s", code, want, stderr)
		}
	}
}

// The README's walkthrough shows mapvet crash's real output on a real
// crash (testdata/logs/metrics-readme.log, the metrics scenario under
// GOTRACEBACK=all, prefixed as containerd does).
func TestReadmeWalkthrough(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const intro = "$ mapvet crash -log crash.log ./metrics\n"
	i := strings.Index(string(readme), intro)
	if i < 0 {
		t.Fatal("README.md has no mapvet crash walkthrough")
	}
	block := string(readme[i+len(intro):])
	block = block[:strings.Index(block, "exit status 3\n```")]
	stdout, stderr, code := runMain(t, "", "-C", "testdata/scenarios", "-log", "../logs/metrics-readme.log", "./metrics")
	if code != 3 || stdout != block {
		t.Errorf("README.md's walkthrough differs from mapvet crash (exit %d):\n--- README:\n%s--- mapvet crash:\n%s%s", code, block, stdout, stderr)
	}
	log, err := os.ReadFile("testdata/logs/metrics-readme.log")
	if err != nil {
		t.Fatal(err)
	}
	if head := strings.Join(strings.SplitN(string(log), "\n", 11)[:10], "\n"); !strings.Contains(string(readme), strings.ReplaceAll(head, " stderr F \n", " stderr F\n")) {
		t.Errorf("README.md does not show the log's first lines:\n%s", head)
	}
}
