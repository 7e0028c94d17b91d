// End-to-end tests of mapguard: the programs in guard/testdata race on maps
// in every way the runtime detects; built with mapguard each crash must name
// the other goroutine's function and the exact file:line of its write (read
// from the "// site: NAME" comments), in a report of a few dozen lines under
// the default GOTRACEBACK; built with plain go the same programs must show
// the stock message. The Go distribution's own map tests run under the
// overlay too, on both toolchains.
package main

import (
	"bufio"
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mapsafe/mapsafe/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// mapguard returns the mapguard command, built once per test binary.
func mapguard(t *testing.T) string {
	t.Helper()
	return testenv.GoBuild(t, ".")
}

// toolchains are the Go versions mapguard supports; the second comes from
// the module proxy.
var toolchains = []string{"installed", "go1.27.3"}

func toolchainEnv(t *testing.T, name string) []string {
	if name == "installed" {
		return nil
	}
	return []string{testenv.GoToolchain(t, name)}
}

// run runs a command in dir with env added and returns its combined output
// and exit status.
func run(t *testing.T, timeout time.Duration, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: timed out after %v\n%s", name, strings.Join(args, " "), timeout, out)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return string(out), code
}

func build(t *testing.T, dir string, env []string, tool string, args ...string) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "prog")
	all := append([]string{"build", "-o", exe}, args...)
	all = append(all, ".")
	if out, code := run(t, 10*time.Minute, dir, env, tool, all...); code != 0 {
		t.Fatalf("%s %s: exit %d\n%s", tool, strings.Join(all, " "), code, out)
	}
	return exe
}

// sites reads the "// site: NAME" comments of a testdata program.
func sites(t *testing.T, file string) map[string]int {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if name, ok := strings.CutPrefix(c.Text, "// site: "); ok {
				out[name] = fset.Position(c.Pos()).Line
			}
		}
	}
	return out
}

var (
	headRE   = regexp.MustCompile(`(?m)^mapguard: (concurrent map [a-z ]+): (?:the other side is goroutine|goroutine) (\d+)`)
	siteRE   = regexp.MustCompile(`(?m)^mapguard: goroutine (\d+) wrote at (\S+) \((\S+):(\d+)\)$`)
	fatalRE  = regexp.MustCompile(`(?m)^fatal error: (.*)$`)
	detectRE = regexp.MustCompile(`(?m)^fatal error: .*\n\ngoroutine (\d+) `)
)

// report is what a mapguard crash says.
type report struct {
	msg, fatal     string
	other, detects string
	fn, file       string
	line           int
	lines          int
}

func parseReport(t *testing.T, out string) report {
	t.Helper()
	var r report
	h := headRE.FindStringSubmatch(out)
	s := siteRE.FindStringSubmatch(out)
	f := fatalRE.FindStringSubmatch(out)
	d := detectRE.FindStringSubmatch(out)
	if h == nil || s == nil || f == nil || d == nil {
		t.Fatalf("no complete mapguard report in:\n%s", out)
	}
	r.msg, r.other = h[1], h[2]
	r.fn, r.file = s[2], s[3]
	r.line, _ = strconv.Atoi(s[4])
	r.fatal, r.detects = f[1], d[1]
	r.lines = strings.Count(out, "\n")
	if s[1] != r.other {
		t.Fatalf("the report names goroutine %s, then %s:\n%s", r.other, s[1], out)
	}
	return r
}

type crashCase struct {
	race  string
	msg   string   // mapguard's and the stock message
	stock []string // other stock messages accepted (the iteration quirk)
	sites []string // the other side writes at one of these
}

// crashCases are the races of guard/testdata/racer.
var crashCases = []crashCase{
	{race: "writes", msg: "concurrent map writes", sites: []string{"writeA", "writeB"}},
	{race: "writes-string", msg: "concurrent map writes", sites: []string{"writeString"}},
	{race: "readwrite", msg: "concurrent map read and map write", sites: []string{"writeA"}},
	{race: "two-maps", msg: "concurrent map read and map write", sites: []string{"writeTwo"}},
	{race: "iterate", msg: "concurrent map iteration and map write", sites: []string{"writeA"}},
	{race: "iterate-grown", msg: "concurrent map iteration and map write", stock: []string{"concurrent map read and map write"}, sites: []string{"grow"}},
	{race: "delete", msg: "concurrent map read and map write", sites: []string{"deleter", "deleterFill"}},
	{race: "clear", msg: "concurrent map read and map write", sites: []string{"clearer", "clearerFill"}},
	{race: "reflect", msg: "concurrent map read and map write", sites: []string{"reflectWriter"}},
	{race: "clone", msg: "concurrent map clone and map write", sites: []string{"writeA"}},
	{race: "parked", msg: "concurrent map writes", sites: []string{"writeA", "writeB"}},
}

// checkGuardReport checks a mapguard build's crash in race c: the stock
// message, the other goroutine named at one of c's write sites, and a
// report of a few dozen lines.
func checkGuardReport(t *testing.T, out string, code int, c crashCase, lines map[string]int, file string) {
	t.Helper()
	if code != 2 {
		t.Fatalf("exit %d, want 2:\n%s", code, out)
	}
	r := parseReport(t, out)
	if r.msg != c.msg || r.fatal != c.msg {
		t.Errorf("report says %q then fatal error %q, want %q:\n%s", r.msg, r.fatal, c.msg, out)
	}
	if !matchesSite(r, lines, c.sites, file) {
		t.Errorf("report names %s at %s:%d, want one of the writes %v:\n%s", r.fn, r.file, r.line, c.sites, out)
	}
	if r.other == r.detects {
		t.Errorf("the other side is the goroutine that noticed, %s:\n%s", r.other, out)
	}
	if r.lines > 60 {
		t.Errorf("report of %d lines, want a few dozen:\n%s", r.lines, out)
	}
}

// TestCrashReports builds guard/testdata/racer with mapguard and with plain
// go, on each toolchain, and runs every race with both.
func TestCrashReports(t *testing.T) {
	dir, err := filepath.Abs("../../guard/testdata/racer")
	if err != nil {
		t.Fatal(err)
	}
	lines := sites(t, filepath.Join(dir, "main.go"))
	for _, tcName := range toolchains {
		t.Run(tcName, func(t *testing.T) {
			t.Parallel()
			env := toolchainEnv(t, tcName)
			guard := build(t, dir, env, mapguard(t))
			stock := build(t, dir, env, "go")
			quirk := 0
			for _, c := range crashCases {
				t.Run(c.race, func(t *testing.T) {
					out, code := run(t, time.Minute, dir, nil, guard, c.race)
					checkGuardReport(t, out, code, c, lines, filepath.Join(dir, "main.go"))

					out, code = run(t, time.Minute, dir, nil, stock, c.race)
					f := fatalRE.FindStringSubmatch(out)
					if code != 2 || f == nil || strings.Contains(out, "mapguard") {
						t.Fatalf("stock build: exit %d:\n%s", code, out)
					}
					if f[1] != c.msg {
						if !contains(c.stock, f[1]) {
							t.Errorf("stock build says %q, want %q", f[1], c.msg)
						}
						quirk++
					}
				})
			}
			t.Logf("%s: the stock build called the iteration race a read %d time(s)", tcName, quirk)
		})
	}
}

// TestCrashReportsArm64 builds the same program with mapguard for
// linux/arm64 (installed toolchain) and runs every race under qemu-aarch64:
// the patch, the frame-pointer walk of reflect writes and the report on
// arm64.
func TestCrashReportsArm64(t *testing.T) {
	qemu := testenv.QemuAarch64(t)
	dir, err := filepath.Abs("../../guard/testdata/racer")
	if err != nil {
		t.Fatal(err)
	}
	lines := sites(t, filepath.Join(dir, "main.go"))
	guard := build(t, dir, []string{"GOARCH=arm64"}, mapguard(t))
	for _, c := range crashCases {
		t.Run(c.race, func(t *testing.T) {
			out, code := run(t, 2*time.Minute, dir, nil, qemu, guard, c.race)
			checkGuardReport(t, out, code, c, lines, filepath.Join(dir, "main.go"))
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func matchesSite(r report, lines map[string]int, names []string, file string) bool {
	for _, n := range names {
		line, ok := lines[n]
		if !ok {
			panic("no site " + n)
		}
		if r.line == line && strings.HasSuffix(r.file, filepath.Base(file)) && strings.HasPrefix(r.fn, "main.") {
			return true
		}
	}
	return false
}

// TestIterationQuirk runs the grown-iteration race repeatedly: the stock
// runtime sometimes reports it as "read and map write" from inside the
// iterator; mapguard must say iteration every time.
func TestIterationQuirk(t *testing.T) {
	dir, _ := filepath.Abs("../../guard/testdata/racer")
	guard := build(t, dir, nil, mapguard(t))
	stock := build(t, dir, nil, "go")
	count := func(exe string) map[string]int {
		got := map[string]int{}
		for range 15 {
			out, _ := run(t, time.Minute, dir, nil, exe, "iterate-grown")
			if f := fatalRE.FindStringSubmatch(out); f != nil {
				got[f[1]]++
			} else {
				got["(no crash)"]++
			}
		}
		return got
	}
	g, s := count(guard), count(stock)
	t.Logf("15 runs each: stock %v, mapguard %v", s, g)
	if g["concurrent map iteration and map write"] != 15 {
		t.Errorf("mapguard reported %v, want iteration every time", g)
	}
}

// TestStrict builds the strict mode: a write by another goroutine between
// two steps of a range is reported, though it overlaps no step; without
// -strict (and with plain go) the same program finishes.
func TestStrict(t *testing.T) {
	dir, _ := filepath.Abs("../../guard/testdata/racer")
	lines := sites(t, filepath.Join(dir, "main.go"))
	// mapguard -strict build: the flag goes before the verb.
	exe := filepath.Join(t.TempDir(), "strict")
	if out, code := run(t, 10*time.Minute, dir, nil, mapguard(t), "-strict", "build", "-o", exe, "."); code != 0 {
		t.Fatalf("mapguard -strict build: %d\n%s", code, out)
	}
	guard := build(t, dir, nil, mapguard(t))
	stock := build(t, dir, nil, "go")
	for race, site := range map[string]string{"strict-gap": "gapWriter", "strict-sync": "syncWriter"} {
		out, code := run(t, time.Minute, dir, nil, exe, race)
		if code != 2 {
			t.Fatalf("%s, strict: exit %d\n%s", race, code, out)
		}
		r := parseReport(t, out)
		if !strings.Contains(out, "between two steps of this goroutine's range (mapguard strict mode)") ||
			r.msg != "concurrent map iteration and map write" || !matchesSite(r, lines, []string{site}, "main.go") {
			t.Errorf("%s, strict: report %+v\n%s", race, r, out)
		}
		for name, b := range map[string]string{"mapguard": guard, "stock": stock} {
			out, code := run(t, time.Minute, dir, nil, b, race)
			if code != 0 || !strings.Contains(out, "ranged 64 steps") {
				// strict-gap is a real race, which the stock check
				// catches only when a write overlaps a step: rare.
				t.Logf("%s, %s build: exit %d\n%s", race, name, code, out)
				if race == "strict-sync" || !strings.Contains(out, "fatal error: concurrent map") {
					t.Errorf("%s, %s build: exit %d", race, name, code)
				}
			}
		}
	}
}

// TestBuildFlags builds the cgo racer (its writer is a callback from C) with
// -race, GOFLAGS=-trimpath and a user's overlay in GOFLAGS, which mapguard
// must merge with its own. (-cover is TestCover's: the go command's cover
// tool cannot read a file that an overlay adds, with or without mapguard.)
func TestBuildFlags(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		testenv.Missing(t, "gcc not found in PATH: the cgo racer needs a C compiler (apt-get install gcc)")
	}
	dir, _ := filepath.Abs("../../guard/testdata/cgoracer")
	lines := sites(t, filepath.Join(dir, "main.go"))
	tmp := t.TempDir()
	note := filepath.Join(tmp, "note.go")
	os.WriteFile(note, []byte("package main\n\nfunc init() { note = \"user overlay applied\" }\n"), 0o644)
	userOverlay := filepath.Join(tmp, "user.json")
	os.WriteFile(userOverlay, []byte(fmt.Sprintf(`{"Replace": {%q: %q}}`, filepath.Join(dir, "note.go"), note)), 0o644)
	env := []string{"GOFLAGS=-trimpath -overlay=" + userOverlay, "CGO_ENABLED=1"}
	exe := build(t, dir, env, mapguard(t), "-race")
	out, code := run(t, 2*time.Minute, dir, nil, exe)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, out)
	}
	r := parseReport(t, out)
	for _, want := range []string{"cgoracer: user overlay applied", "WARNING: DATA RACE"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not say %q", want)
		}
	}
	if r.fn != "main.goWrite" || r.file != "cgoracer/main.go" || r.line != lines["goWrite"] {
		t.Errorf("report names %s at %s:%d, want main.goWrite at cgoracer/main.go:%d (-trimpath)\n%s", r.fn, r.file, r.line, lines["goWrite"], out)
	}
}

// TestCover builds the racer with -cover: the report still names the write.
func TestCover(t *testing.T) {
	dir, _ := filepath.Abs("../../guard/testdata/racer")
	lines := sites(t, filepath.Join(dir, "main.go"))
	exe := build(t, dir, nil, mapguard(t), "-cover")
	out, code := run(t, time.Minute, dir, []string{"GOCOVERDIR=" + t.TempDir()}, exe, "readwrite")
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, out)
	}
	if r := parseReport(t, out); !matchesSite(r, lines, []string{"writeA"}, "main.go") {
		t.Errorf("report names %s at %s:%d\n%s", r.fn, r.file, r.line, out)
	}
}

// TestOverlayCommand builds the racer as a script that runs go itself does,
// through mapguard overlay, on each toolchain, and runs a race with the
// binary: it must report. The installed toolchain takes
// go build -overlay=$(mapguard overlay). go1.27.3 lives in the module cache,
// where the go command refuses every replacement an overlay makes (go build
// would exit 0 with the stock runtime if the overlay named other paths), so
// mapguard overlay must refuse, create nothing, and name the command to run
// instead; the binary that command builds must report.
func TestOverlayCommand(t *testing.T) {
	dir, err := filepath.Abs("../../guard/testdata/racer")
	if err != nil {
		t.Fatal(err)
	}
	lines := sites(t, filepath.Join(dir, "main.go"))
	race := crashCases[2] // readwrite
	for _, tcName := range toolchains {
		t.Run(tcName, func(t *testing.T) {
			env := toolchainEnv(t, tcName)
			out, _ := run(t, time.Minute, dir, env, "go", "env", "GOROOT", "GOMODCACHE")
			f := strings.Fields(out)
			inModCache := len(f) == 2 && strings.HasPrefix(f[0], f[1]+string(filepath.Separator))
			cache := t.TempDir()
			cmd := exec.Command(mapguard(t), "overlay")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), append(env, "MAPGUARD_CACHE="+cache)...)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()

			var exe string
			if !inModCache {
				if err != nil {
					t.Fatalf("mapguard overlay: %v\n%s", err, stderr.String())
				}
				exe = build(t, dir, env, "go", "-overlay="+strings.TrimSpace(stdout.String()))
			} else {
				m := regexp.MustCompile(`; run (GOTOOLCHAIN=\S+ )?mapguard build \(or test, run, install\) instead`).FindStringSubmatch(stderr.String())
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || m == nil || stdout.Len() != 0 {
					t.Fatalf("mapguard overlay of a toolchain in the module cache: %v, want exit 1 and the command to run instead\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
				}
				if ents, _ := os.ReadDir(cache); len(ents) != 0 {
					t.Errorf("the refusal left %d entries in the cache", len(ents))
				}
				t.Logf("mapguard overlay: %s", strings.TrimSpace(stderr.String()))
				suggested := env
				if m[1] != "" {
					suggested = []string{strings.TrimSpace(m[1])}
				}
				exe = build(t, dir, suggested, mapguard(t))
			}
			out, code := run(t, time.Minute, dir, nil, exe, race.race)
			checkGuardReport(t, out, code, race, lines, filepath.Join(dir, "main.go"))
		})
	}
}

// TestRunClosedPipe: with its output a pipe that the reader closes after
// one line (mapguard run prog 2>&1 | head -1), mapguard run ends with the
// status go run ends with, as a shell reports it: go run dies of SIGPIPE
// writing "signal: broken pipe" to the pipe, 141.
func TestRunClosedPipe(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"go.mod":  "module chatty\n\ngo 1.26\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfor i := 0; ; i++ {\n\t\tfmt.Println(\"line\", i)\n\t}\n}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// status runs the command with its output into a pipe that is closed
	// after the first line, and returns the status a shell would show.
	status := func(name string, args ...string) int {
		t.Helper()
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = w, w
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		line, err := bufio.NewReader(r).ReadString('\n')
		r.Close()
		werr := cmd.Wait()
		if err != nil || line != "line 0\n" {
			t.Fatalf("%s %s: first line %q, %v (%v)", name, strings.Join(args, " "), line, err, werr)
		}
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return cmd.ProcessState.ExitCode()
	}
	goRun := status("go", "run", ".")
	guardRun := status(mapguard(t), "run", ".")
	if goRun != 141 || guardRun != goRun {
		t.Errorf("exit statuses with a closed pipe: go run %d, mapguard run %d; want 141 for both", goRun, guardRun)
	}
}

// TestDistMapTests runs the Go distribution's map tests under the overlay:
// all of internal/runtime/maps, and the runtime's tests declared in
// runtime/map_test.go, with -short as the distribution's own runner does.
func TestDistMapTests(t *testing.T) {
	for _, tcName := range toolchains {
		t.Run(tcName, func(t *testing.T) {
			t.Parallel()
			distMapTests(t, tcName, toolchainEnv(t, tcName), nil, nil)
		})
	}
}

// TestDistMapTestsArm64 runs the same tests built for linux/arm64 with
// mapguard, under qemu-aarch64 (go test -exec), on the installed toolchain.
// It leaves out TestMemHashGlobalSeed, which starts its own test binary as a
// child process: unless qemu is registered with the kernel's binfmt_misc (a
// setting of the whole machine, which a test should not change), that exec
// fails with "exec format error" whatever the runtime.
func TestDistMapTestsArm64(t *testing.T) {
	qemu := testenv.QemuAarch64(t)
	distMapTests(t, "installed, GOARCH=arm64", []string{"GOARCH=arm64"}, []string{"-exec", qemu}, []string{"TestMemHashGlobalSeed"})
}

// distMapTests runs the Go distribution's map tests with mapguard test:
// every Test and Fuzz function of internal/runtime/maps and of
// runtime/map_test.go but those in skip.
func distMapTests(t *testing.T, name string, env, args, skip []string) {
	out, _ := run(t, time.Minute, "", env, "go", "env", "GOROOT")
	goroot := strings.TrimSpace(out)
	keep := func(names []string) []string {
		var kept []string
		for _, n := range names {
			if !contains(skip, n) {
				kept = append(kept, n)
			}
		}
		return kept
	}
	mapsTests := keep(testNames(t, filepath.Join(goroot, "src", "internal", "runtime", "maps"), ""))
	runtimeTests := keep(testNames(t, filepath.Join(goroot, "src", "runtime"), "map_test.go"))
	pattern := "^(" + strings.Join(append(append([]string{}, mapsTests...), runtimeTests...), "|") + ")$"
	all := append([]string{"test", "-count=1", "-short", "-vet=off", "-v"}, args...)
	all = append(all, "-run", pattern, "internal/runtime/maps", "runtime")
	out, code := run(t, 15*time.Minute, t.TempDir(), env, mapguard(t), all...)
	if code != 0 {
		t.Fatalf("mapguard test: exit %d\n%s", code, tail(out, 60))
	}
	passed := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if name, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "--- PASS: "); ok {
			passed[strings.Fields(name)[0]] = true
		} else if name, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "--- SKIP: "); ok {
			passed[strings.Fields(name)[0]] = true
		}
	}
	for _, n := range runtimeTests {
		if !passed[n] {
			t.Errorf("runtime test %s did not run", n)
		}
	}
	if !strings.Contains(out, "ok  \tinternal/runtime/maps") || !strings.Contains(out, "ok  \truntime") {
		t.Errorf("missing ok lines:\n%s", tail(out, 20))
	}
	t.Logf("%s: %d tests and subtests passed or skipped (%d maps, %d runtime map tests named)", name, len(passed), len(mapsTests), len(runtimeTests))
}

// testNames lists the Test and Fuzz functions of the _test.go files in dir
// (only file, if given).
func testNames(t *testing.T, dir, file string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	re := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz)[A-Za-z0-9_]*)\(`)
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), "_test.go") || (file != "" && e.Name() != file) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			if m[1] != "TestMain" {
				names = append(names, m[1])
			}
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatalf("no tests in %s", dir)
	}
	return names
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
