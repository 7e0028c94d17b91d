package driver_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// mapvet returns the mapvet command, built once for all the tests.
func mapvet(t *testing.T) string {
	return testenv.GoBuild(t, "github.com/mapsafe/mapsafe/cmd/mapvet")
}

// run runs mapvet in the test module and returns stdout, stderr and the
// exit status.
func run(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(mapvet(t), args...)
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

// primary returns the lines of text output that are findings, without the
// related positions that follow each ("file:line:col: \tmessage").
func primary(stdout string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if l != "" && !strings.Contains(l, ": \t") {
			out = append(out, l)
		}
	}
	return out
}

func TestFindingsText(t *testing.T) {
	stdout, stderr, code := run(t, mod, "./racy")
	if code != 3 {
		t.Fatalf("exit status %d, want 3; stderr:\n%s", code, stderr)
	}
	want := []string{
		"racy/racy.go:13:8: write to c.hits while only the read lock c.mu is held",
		"racy/racy.go:20:3: range over m in deferred func may run while the goroutine started at racy.go:23 writes it at racy.go:23",
	}
	lines := primary(stdout)
	if len(lines) != len(want) {
		t.Fatalf("got %d findings, want %d:\n%s", len(lines), len(want), stdout)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("finding %d:\n got %s\nwant %s...", i, lines[i], w)
		}
	}
}

// What is reported about a package's own code does not depend on whether
// its tests were loaded (the test adds a locked write that would tip the
// guard inference).
func TestTestsDoNotChangeFindings(t *testing.T) {
	with, _, _ := run(t, mod, "./testdep")
	without, _, _ := run(t, mod, "-test=false", "./testdep")
	if with != without {
		t.Errorf("findings differ with tests loaded:\n--- with:\n%s--- without:\n%s", with, without)
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

// vetJSON is go vet -json's schema: package ID, analyzer, diagnostics.
type vetJSON map[string]map[string][]struct {
	Posn, End, Message string
	SuggestedFixes     []struct {
		Message string
		Edits   []struct {
			Filename   string
			Start, End int
			New        string
		}
	} `json:"suggested_fixes"`
	Related []struct{ Posn, End, Message string }
}

func decodeVet(t *testing.T, out string) vetJSON {
	t.Helper()
	var tree vetJSON
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tree); err != nil {
		t.Fatalf("not go vet's JSON: %v\n%s", err, out)
	}
	return tree
}

func TestJSON(t *testing.T) {
	stdout, _, code := run(t, mod, "-json", "./racy")
	if code != 3 {
		t.Fatalf("exit status %d, want 3", code)
	}
	tree := decodeVet(t, stdout)
	var pkg string
	for id := range tree {
		pkg = id
	}
	if len(tree) != 1 || !strings.HasPrefix(pkg, "example.com/mod/racy") {
		t.Fatalf("want one package, got %v", tree)
	}
	rw, da := tree[pkg]["rlockwrite"], tree[pkg]["deferaccess"]
	if len(rw) != 1 || !strings.HasSuffix(rw[0].Posn, "racy.go:13:8") || len(da) != 1 {
		t.Fatalf("unexpected findings: %+v", tree)
	}
	if len(rw[0].SuggestedFixes) != 1 || len(rw[0].SuggestedFixes[0].Edits) != 2 {
		t.Errorf("rlockwrite finding should carry a two-edit fix: %+v", rw[0].SuggestedFixes)
	}
	stdout, _, code = run(t, mod, "-json", "./clean")
	if code != 0 || strings.TrimSpace(stdout) != "{}" {
		t.Errorf("clean package: exit %d, output %q; want 0 and {}", code, stdout)
	}
}

// A finding's other side (the goroutine's start, its write, the lock) is
// in every output: text as go vet prints it, JSON, SARIF, and go vet
// -vettool=mapvet -json, whose JSON is the same as mapvet -json's.
func TestRelated(t *testing.T) {
	wantRelated := []string{ // sorted
		"racy.go:11:2: c.mu read-locked here",
		"racy.go:23:15: write to m by the goroutine",
		"racy.go:23:2: goroutine started here",
	}
	stdout, _, _ := run(t, mod, "./racy")
	for _, w := range wantRelated {
		at, msg, _ := strings.Cut(w, ": ")
		if !strings.Contains(stdout, at+": \t"+msg+"\n") {
			t.Errorf("text output lacks related line %q:\n%s", w, stdout)
		}
	}

	related := func(tree vetJSON) []string {
		var out []string
		for _, byCheck := range tree {
			for _, ds := range byCheck {
				for _, d := range ds {
					for _, r := range d.Related {
						out = append(out, filepath.Base(r.Posn)+": "+r.Message)
					}
				}
			}
		}
		slices.Sort(out)
		return out
	}
	stdout, _, _ = run(t, mod, "-json", "./racy")
	mine := related(decodeVet(t, stdout))
	if !slices.Equal(mine, wantRelated) {
		t.Errorf("mapvet -json related = %q, want %q", mine, wantRelated)
	}
	cmd := exec.Command("go", "vet", "-vettool="+mapvet(t), "-json", "./racy")
	cmd.Dir = mod
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go vet -json: %v", err)
	}
	// go vet prints one JSON object per package, after a "# pkg" line.
	i := strings.IndexByte(string(out), '{')
	if i < 0 {
		t.Fatalf("go vet -json printed no JSON:\n%s", out)
	}
	if vet := related(decodeVet(t, string(out[i:]))); !slices.Equal(vet, wantRelated) {
		t.Errorf("go vet -vettool=mapvet -json related = %q, want %q", vet, wantRelated)
	}

	stdout, _, _ = run(t, mod, "-sarif", "./racy")
	var log struct {
		Runs []struct {
			Results []struct {
				RelatedLocations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
					Message struct{ Text string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatal(err)
	}
	var sarif []string
	for _, r := range log.Runs[0].Results {
		for _, l := range r.RelatedLocations {
			p := l.PhysicalLocation
			sarif = append(sarif, fmt.Sprintf("%s:%d:%d: %s", filepath.Base(p.ArtifactLocation.URI), p.Region.StartLine, p.Region.StartColumn, l.Message.Text))
		}
	}
	slices.Sort(sarif)
	if !slices.Equal(sarif, wantRelated) {
		t.Errorf("SARIF relatedLocations = %q, want %q", sarif, wantRelated)
	}
}

// A position from another package's summary is a full position too, in
// standalone mapvet and under go vet, where the other package was
// analysed by another process.
func TestRelatedAcrossPackages(t *testing.T) {
	want := []string{
		"cross/lib/lib.go:7:2: goroutine started here",
		"cross/lib/lib.go:8:4: write to m by the goroutine",
		"cross/cross.go:7:11: the call to lib.Start returns with it running",
	}
	stdout, _, code := run(t, mod, "./cross")
	if code != 3 {
		t.Fatalf("exit %d, want 3:\n%s", code, stdout)
	}
	for _, w := range want {
		at, msg, _ := strings.Cut(w, ": ")
		if !strings.Contains(stdout, at+": \t"+msg+"\n") {
			t.Errorf("mapvet output lacks related line %q:\n%s", w, stdout)
		}
	}
	cmd := exec.Command("go", "vet", "-vettool="+mapvet(t), "./cross")
	cmd.Dir = mod
	out, _ := cmd.CombinedOutput()
	for _, w := range want {
		at, msg, _ := strings.Cut(w, ": ")
		if !strings.Contains(string(out), at+": \t"+msg+"\n") {
			t.Errorf("go vet -vettool output lacks related line %q:\n%s", w, out)
		}
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
				Level     string
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
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Tool.Driver.Rules) != 7 || len(log.Runs[0].Results) != 2 {
		t.Fatalf("unexpected SARIF: %s", stdout)
	}
	if r := log.Runs[0].Results[0]; r.RuleID != "rlockwrite" || r.Level != "error" || r.Locations[0].PhysicalLocation.Region.StartLine != 13 {
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
	if code != 3 || len(primary(stdout)) != 1 || !strings.Contains(stdout, "deferred func") {
		t.Errorf("-checks deferaccess: exit %d\n%s", code, stdout)
	}
}

func TestVetTool(t *testing.T) {
	cmd := exec.Command("go", "vet", "-vettool="+mapvet(t), "./racy", "./clean")
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
	cmd = exec.Command("go", "vet", "-vettool="+mapvet(t), "./clean")
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
	lines := primary(stdout)
	want := map[string]int{
		"(fatal error: concurrent map writes)":                  1,
		"(fatal error: concurrent map read and map write)":      1,
		"(fatal error: concurrent map iteration and map write)": 2, // range, and the deferred range
		"(fatal error: concurrent map clone and map write)":     1,
	}
	got := map[string]int{}
	for _, l := range lines {
		for suffix := range want {
			if strings.Contains(l, suffix) {
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

// The README's quick start shows mapvet's real output on the examples.
func TestReadmeQuickStart(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const intro = "prints related positions:\n\n```\n"
	i := strings.Index(string(readme), intro)
	if i < 0 {
		t.Fatal("README.md has no quick-start output block")
	}
	block := string(readme[i+len(intro):])
	block = block[:strings.Index(block, "exit status 3\n```")]
	stdout, _, code := run(t, "../..", "./examples/...")
	if code != 3 || stdout != block {
		t.Errorf("README.md's quick start differs from mapvet ./examples/... (exit %d):\n--- README:\n%s--- mapvet:\n%s", code, block, stdout)
	}
}
