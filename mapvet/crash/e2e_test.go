package crash

// End to end: real programs crashed with the stock toolchain, their crash
// output read back against their source. Each program is built once per
// test binary; each crash is retried (within a bound) until the runtime
// kills the program with a map fatal error, under the default GOTRACEBACK
// and under GOTRACEBACK=all. The check is that the first candidate is a
// line that really wrote the map in the race (marked in the source), and
// that wrapping the same output in log prefixes or JSON lines changes
// nothing.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mapsafe/mapsafe/lab/child"
	_ "github.com/mapsafe/mapsafe/lab/repro" // registers the lab reproducers as child programs
)

func TestMain(m *testing.M) {
	child.Main() // when this binary runs as a lab child
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// repoRoot is the module root, from this package's directory.
const repoRoot = "../.."

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// buildAll builds every crash program into binDir, once.
func buildAll(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "mapvet-crash-bin")
		if buildErr != nil {
			return
		}
		steps := []struct {
			dir  string
			args []string
		}{
			{"testdata/scenarios", []string{"build", "-o", binDir + "/", "./..."}},
			{"testdata/scenarios", []string{"test", "-c", "-o", filepath.Join(binDir, "paralleltest.test"), "./paralleltest"}},
			{filepath.Join(repoRoot, "guard/testdata/racer"), []string{"build", "-o", filepath.Join(binDir, "racer"), "."}},
			{repoRoot, []string{"build", "-o", filepath.Join(binDir, "cache"), "./examples/cache"}},
		}
		for _, s := range steps {
			cmd := exec.Command("go", s.args...)
			cmd.Dir = s.dir
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go %s in %s: %v\n%s", strings.Join(s.args, " "), s.dir, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

// maxTries bounds the runs of a program that has not crashed yet.
const maxTries = 20

// crashOf runs a program until it dies of a map fatal error and returns
// its output. traceback is GOTRACEBACK's value, "" for the default.
func crashOf(t *testing.T, traceback string, run func(env []string) ([]byte, error)) []byte {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOTRACEBACK=") {
			env = append(env, kv)
		}
	}
	if traceback != "" {
		env = append(env, "GOTRACEBACK="+traceback)
	}
	var last []byte
	for range maxTries {
		out, _ := run(env)
		if bytes.Contains(out, []byte("fatal error: concurrent map")) {
			return out
		}
		last = out
	}
	t.Fatalf("no map crash in %d runs; last output:\n%s", maxTries, tail(last))
	return nil
}

func tail(b []byte) []byte {
	if len(b) > 2000 {
		return b[len(b)-2000:]
	}
	return b
}

// binary runs a built program.
func binary(path string, args ...string) func(env []string) ([]byte, error) {
	return func(env []string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, path, args...)
		cmd.Env = env
		return cmd.CombinedOutput()
	}
}

// labChild runs a lab reproducer as a child of this test binary.
func labChild(name string) func(env []string) ([]byte, error) {
	return func(env []string) ([]byte, error) {
		var extra []string
		for _, kv := range env {
			if strings.HasPrefix(kv, "GOTRACEBACK=") {
				extra = append(extra, kv)
			}
		}
		// child.Run adds to the parent's environment; the parent has no
		// GOTRACEBACK unless the test runs under one, which crashOf's
		// default case then inherits (noted in the table).
		res, err := child.Run(context.Background(), child.Spec{
			Program: "repro/" + name, Env: extra, Timeout: 30 * time.Second,
		})
		return append(res.Stdout, res.Stderr...), err
	}
}

// source is a loaded package set, shared by the tests that crash its
// programs.
type source struct {
	once sync.Once
	an   *analysis
	err  error
}

var sources sync.Map // "dir|pattern|tests" → *source

func analysisOf(t *testing.T, dir, pattern string, tests bool) *analysis {
	t.Helper()
	v, _ := sources.LoadOrStore(fmt.Sprintf("%s|%s|%v", dir, pattern, tests), &source{})
	s := v.(*source)
	s.once.Do(func() {
		p, err := load(dir, []string{pattern}, tests)
		if err != nil {
			s.err = err
			return
		}
		p.dir = dir
		s.an = p.analyze()
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.an
}

// explainLog explains the map crashes in a log, failing the test on an
// error.
func explainLog(t *testing.T, an *analysis, data []byte) []*Report {
	t.Helper()
	crashes, err := mapCrashes("log", data, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("%v\n%s", err, tail(data))
	}
	reports, failed := an.explainAll("log", crashes, 1000)
	if len(failed) > 0 {
		t.Fatalf("%s\n%s", strings.Join(failed, "\n"), tail(data))
	}
	return reports
}

// markers returns "abs-file:line" of the lines of the files under dir
// whose comment matches re, by the comment's submatch (or "" for all).
func markers(t *testing.T, dir string, re *regexp.Regexp) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		abs, _ := filepath.Abs(path)
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				name := ""
				if len(m) > 1 {
					name = m[1]
				}
				out[name] = append(out[name], fmt.Sprintf("%s:%d", abs, n))
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// e2eCase is one program and what its crashes must name.
type e2eCase struct {
	name string
	an   func(t *testing.T) *analysis
	run  func(t *testing.T) func(env []string) ([]byte, error)
	// accept returns the lines ("abs-file:line") any of which is a right
	// candidate 1, given the crashing line.
	accept func(crash string) []string
	// tracebacks to crash it under; default: "" and "all".
	tracebacks []string
}

func lineOf(c Access) string { return fmt.Sprintf("%s:%d", c.File, c.Line) }

func without(lines []string, x string) []string {
	var out []string
	for _, l := range lines {
		if l != x {
			out = append(out, l)
		}
	}
	return out
}

// rankOf returns the 1-based rank of the first candidate on one of lines,
// 0 when none is.
func rankOf(r *Report, lines []string) int {
	for i, c := range r.Candidates {
		for _, l := range lines {
			if lineOf(c.Access) == l {
				return i + 1
			}
		}
	}
	return 0
}

func e2eCases(t *testing.T) []e2eCase {
	bin := buildAll(t)
	var cases []e2eCase

	scen := markers(t, "testdata/scenarios", regexp.MustCompile(`// writer$`))[""]
	scenAn := func(t *testing.T) *analysis { return analysisOf(t, "testdata/scenarios", "./...", true) }
	for _, name := range []string{"metrics", "afterfunc", "iface", "workerpool", "jsonmarshal", "fmtprint", "errgroup", "registry", "getter", "rlock", "structcopy", "paralleltest"} {
		exe := filepath.Join(bin, name)
		if name == "paralleltest" {
			exe += ".test"
		}
		var mine []string
		for _, l := range scen {
			if strings.Contains(l, "/scenarios/"+name+"/") {
				mine = append(mine, l)
			}
		}
		cases = append(cases, e2eCase{
			name:   "scenario/" + name,
			an:     scenAn,
			run:    func(*testing.T) func([]string) ([]byte, error) { return binary(exe) },
			accept: func(string) []string { return mine },
		})
	}

	racerDir := filepath.Join(repoRoot, "guard/testdata/racer")
	sites := markers(t, racerDir, regexp.MustCompile(`// site: (\w+)`))
	racerAn := func(t *testing.T) *analysis { return analysisOf(t, racerDir, ".", false) }
	both := append(append([]string(nil), sites["writeA"]...), sites["writeB"]...)
	for _, rc := range []struct {
		mode       string
		accept     func(crash string) []string
		tracebacks []string
	}{
		{"writes", func(c string) []string { return without(both, c) }, nil},
		{"writes-string", func(string) []string { return sites["writeString"] }, nil},
		{"readwrite", func(string) []string { return sites["writeA"] }, nil},
		{"two-maps", func(string) []string { return sites["writeTwo"] }, nil},
		{"iterate", func(string) []string { return sites["writeA"] }, nil},
		{"delete", func(string) []string { return append(sites["deleter"], sites["deleterFill"]...) }, nil},
		{"clear", func(string) []string { return append(sites["clearer"], sites["clearerFill"]...) }, nil},
		{"clone", func(string) []string { return sites["writeA"] }, nil},
		{"parked", func(c string) []string { return without(both, c) }, []string{"all"}},
	} {
		exe := filepath.Join(bin, "racer")
		cases = append(cases, e2eCase{
			name:       "racer/" + rc.mode,
			an:         racerAn,
			run:        func(*testing.T) func([]string) ([]byte, error) { return binary(exe, rc.mode) },
			accept:     rc.accept,
			tracebacks: rc.tracebacks,
		})
	}

	write := markers(t, filepath.Join(repoRoot, "lab/repro"), regexp.MustCompile(`^func \(w \*Workload\[K\]\) Write\(`))[""]
	labAn := func(t *testing.T) *analysis { return analysisOf(t, repoRoot, "./lab/repro", false) }
	for _, name := range []string{"writes", "read-write", "iteration", "clone", "defer"} {
		cases = append(cases, e2eCase{
			name:   "lab/" + name,
			an:     labAn,
			run:    func(*testing.T) func([]string) ([]byte, error) { return labChild(name) },
			accept: func(string) []string { return write },
		})
	}

	hits := markers(t, filepath.Join(repoRoot, "examples/cache"), regexp.MustCompile(`c\.hits\[k\]\+\+`))[""]
	cases = append(cases, e2eCase{
		name:   "examples/cache",
		an:     func(t *testing.T) *analysis { return analysisOf(t, repoRoot, "./examples/cache", false) },
		run:    func(*testing.T) func([]string) ([]byte, error) { return binary(filepath.Join(bin, "cache")) },
		accept: func(string) []string { return hits },
	})
	return cases
}

// wrappings are the ways a log may carry a crash.
var wrappings = []struct {
	name string
	wrap func([]byte) []byte
}{
	{"CRI prefix", prefixEach(func(i int) string {
		return fmt.Sprintf("2026-03-0%dT10:%02d:%02d.%dZ stderr F ", 1+i%9, i%60, (i*7)%60, 100000+i*37)
	})},
	{"syslog prefix", prefixEach(func(i int) string { return fmt.Sprintf("Mar  %d 10:00:%02d web-1 app[%d]: ", 1+i%9, i%60, 4242) })},
	{"docker json-file", jsonEach(func(line string, i int) any {
		return map[string]string{"log": line + "\n", "stream": "stderr", "time": fmt.Sprintf("2026-03-01T10:00:00.%09dZ", i)}
	})},
	{"journald json", jsonEach(func(line string, i int) any {
		return map[string]string{"MESSAGE": line, "_PID": "4242", "__REALTIME_TIMESTAMP": fmt.Sprint(1700000000000000 + i)}
	})},
}

func TestCrashE2E(t *testing.T) {
	var rows []string
	for _, tc := range e2eCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			an := tc.an(t)
			tbs := tc.tracebacks
			if tbs == nil {
				tbs = []string{"", "all"}
			}
			row := map[string]string{}
			for _, tb := range tbs {
				out := crashOf(t, tb, tc.run(t))
				reports := explainLog(t, an, out)
				r := reports[0]
				accept := tc.accept(lineOf(r.Crash))
				if len(accept) == 0 {
					t.Fatalf("no accepted writer lines for crash at %s", r.Crash.Posn)
				}
				rank := rankOf(r, accept)
				label := tbLabel(tb)
				row[label] = describeRank(r, rank)
				if rank != 1 {
					t.Errorf("GOTRACEBACK=%s: the writer (%s) is candidate %d, want 1\n%s\n%s", label, strings.Join(rel(accept), " or "), rank, render(reports), tail(out))
				}
				for _, w := range wrappings {
					wr := explainLog(t, an, w.wrap(out))
					if got, want := firstLine(wr[0]), firstLine(r); got != want {
						t.Errorf("GOTRACEBACK=%s, %s: candidate 1 is %s, want %s as unwrapped", label, w.name, got, want)
					}
				}
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s |", tc.name, orDash(row["default"]), orDash(row["all"])))
		})
	}
	if path := os.Getenv("MAPVET_CRASH_TABLE"); path != "" {
		sort.Strings(rows)
		table := "| program | default GOTRACEBACK | GOTRACEBACK=all |\n|---|---|---|\n" + strings.Join(rows, "\n") + "\n"
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func tbLabel(tb string) string {
	if tb == "" {
		return "default"
	}
	return tb
}

// describeRank says where the writer ranked and, when a goroutine of the
// dump was seen in it, how.
func describeRank(r *Report, rank int) string {
	if rank == 0 {
		return "not listed"
	}
	s := fmt.Sprint(rank)
	c := r.Candidates[rank-1]
	if len(c.Seen) > 0 {
		w := c.Seen[0]
		switch {
		case w.Unavailable:
			s += " (seen: a goroutine running on another thread, by what started it)"
		case w.InMapCode:
			s += " (seen: a goroutine inside the map write)"
		case w.Exact:
			s += " (seen: a goroutine at the write)"
		default:
			s += " (seen: a goroutine in the writer's function)"
		}
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func firstLine(r *Report) string {
	if len(r.Candidates) == 0 {
		return "none"
	}
	return lineOf(r.Candidates[0].Access)
}

func rel(lines []string) []string {
	wd, _ := os.Getwd()
	var out []string
	for _, l := range lines {
		if r, err := filepath.Rel(wd, l); err == nil {
			l = r
		}
		out = append(out, l)
	}
	return out
}

func render(reports []*Report) string {
	var b bytes.Buffer
	writeText(&b, &b, reports)
	return b.String()
}

func prefixEach(prefix func(i int) string) func([]byte) []byte {
	return func(data []byte) []byte {
		var b bytes.Buffer
		for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			b.WriteString(prefix(i))
			b.WriteString(l)
			b.WriteByte('\n')
		}
		return b.Bytes()
	}
}

func jsonEach(record func(line string, i int) any) func([]byte) []byte {
	return func(data []byte) []byte {
		var b bytes.Buffer
		for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			j, _ := json.Marshal(record(l, i))
			b.Write(j)
			b.WriteByte('\n')
		}
		return b.Bytes()
	}
}
