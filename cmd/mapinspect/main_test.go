package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/internal/cli"
	"github.com/mapsafe/mapsafe/internal/testenv"
)

// scriptCase is one command line of a testdata script and what it must
// print.
type scriptCase struct {
	line   int
	args   []string
	stdout []string // regexps that must match
	nostd  []string // regexps that must not match
	stderr []string
	files  [][2]string // path, regexp its content must match
	exit   int
}

func readScript(t *testing.T, path string) []scriptCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []scriptCase
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "$ ") {
			cases = append(cases, scriptCase{line: n, args: strings.Fields(line[2:])})
			continue
		}
		if len(cases) == 0 {
			t.Fatalf("%s:%d: expectation before any command", path, n)
		}
		c := &cases[len(cases)-1]
		switch {
		case strings.HasPrefix(line, "> "):
			c.stdout = append(c.stdout, line[2:])
		case strings.HasPrefix(line, "! "):
			c.nostd = append(c.nostd, line[2:])
		case strings.HasPrefix(line, "2> "):
			c.stderr = append(c.stderr, line[3:])
		case strings.HasPrefix(line, "file "):
			f := strings.SplitN(line[5:], " ", 2)
			if len(f) != 2 {
				t.Fatalf("%s:%d: file wants a path and a regexp", path, n)
			}
			c.files = append(c.files, [2]string{f[0], f[1]})
		case strings.HasPrefix(line, "exit "):
			fmt.Sscan(line[5:], &c.exit)
		default:
			t.Fatalf("%s:%d: cannot parse %q", path, n, line)
		}
	}
	return cases
}

// expand replaces $TMP in script arguments and paths.
func expand(s, tmp string) string { return strings.ReplaceAll(s, "$TMP", tmp) }

func (c scriptCase) check(t *testing.T, name string, stdout, stderr string, code int, tmp string) {
	t.Helper()
	where := fmt.Sprintf("%s:%d (mapinspect %s)", name, c.line, strings.Join(c.args, " "))
	if code != c.exit {
		t.Errorf("%s: exit %d, want %d\nstderr: %s", where, code, c.exit, stderr)
	}
	for _, re := range c.stdout {
		if !regexp.MustCompile(re).MatchString(stdout) {
			t.Errorf("%s: stdout does not match %q:\n%s", where, re, stdout)
		}
	}
	for _, re := range c.nostd {
		if regexp.MustCompile(re).MatchString(stdout) {
			t.Errorf("%s: stdout matches %q:\n%s", where, re, stdout)
		}
	}
	for _, re := range c.stderr {
		if !regexp.MustCompile(re).MatchString(stderr) {
			t.Errorf("%s: stderr does not match %q:\n%s", where, re, stderr)
		}
	}
	for _, f := range c.files {
		data, err := os.ReadFile(expand(f[0], tmp))
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		if !regexp.MustCompile(f[1]).Match(data) {
			t.Errorf("%s: %s does not match %q", where, f[0], f[1])
		}
	}
}

// TestScriptGC runs testdata/gc.txt against the command in this process.
func TestScriptGC(t *testing.T) {
	tmp := t.TempDir()
	for _, c := range readScript(t, "testdata/gc.txt") {
		var stdout, stderr bytes.Buffer
		args := make([]string, len(c.args))
		for i, a := range c.args {
			args[i] = expand(a, tmp)
		}
		env := cli.Env{Args: args, Stdout: &stdout, Stderr: &stderr}
		code := cli.Code("mapinspect", run(env), &stderr)
		c.check(t, "gc.txt", stdout.String(), stderr.String(), code, tmp)
	}
}

// TestScriptGccgo builds mapinspect with gccgo and runs testdata/gccgo.txt.
func TestScriptGccgo(t *testing.T) {
	bin := gccgoBuild(t)
	tmp := t.TempDir()
	for _, c := range readScript(t, "testdata/gccgo.txt") {
		var stdout, stderr bytes.Buffer
		args := make([]string, len(c.args))
		for i, a := range c.args {
			args[i] = expand(a, tmp)
		}
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		c.check(t, "gccgo.txt", stdout.String(), stderr.String(), code, tmp)
	}
}

func TestMain(m *testing.M) { testenv.Main(m) }

// gccgoBuild returns mapinspect built by gccgo, once per test binary.
func gccgoBuild(t *testing.T) string {
	t.Helper()
	return testenv.GoBuild(t, ".", "-compiler=gccgo")
}

// TestJSONBothCompilers checks the JSON fields the issue promises, from
// the gc command in this process and from the gccgo build.
func TestJSONBothCompilers(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(cli.Env{Args: []string{"-n", "1000", "-json"}, Stdout: &stdout, Stderr: &stderr}); err != nil {
		t.Fatal(err)
	}
	var sw struct {
		Impl        string
		Len         int
		DirLen      *int
		GlobalDepth *int
		Tables      []struct{ Capacity, Used, GrowthLeft, LocalDepth *int }
	}
	if err := json.Unmarshal(stdout.Bytes(), &sw); err != nil {
		t.Fatal(err)
	}
	if sw.Impl != "swiss" || sw.Len != 1000 || sw.DirLen == nil || *sw.DirLen != 2 || sw.GlobalDepth == nil || len(sw.Tables) != 2 {
		t.Errorf("gc JSON: %s", stdout.String())
	}
	for _, tab := range sw.Tables {
		if tab.Capacity == nil || *tab.Capacity != 1024 || tab.Used == nil || tab.GrowthLeft == nil || tab.LocalDepth == nil || *tab.LocalDepth != 1 {
			t.Errorf("gc JSON table: %+v", tab)
		}
	}

	bin := gccgoBuild(t)
	out, err := exec.Command(bin, "-n", "53", "-json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var cl struct {
		Impl      string
		Len       int
		B         *int
		Count     *int
		Noverflow *int
		Growing   *bool
		Nevacuate *int
	}
	if err := json.Unmarshal(out, &cl); err != nil {
		t.Fatal(err)
	}
	if cl.Impl != "classic" || cl.Len != 53 || cl.B == nil || *cl.B != 4 || cl.Count == nil || *cl.Count != 53 ||
		cl.Noverflow == nil || cl.Growing == nil || !*cl.Growing || cl.Nevacuate == nil || *cl.Nevacuate >= 8 {
		t.Errorf("gccgo JSON: %s", out)
	}
}
