package golangci

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mapsafe/mapsafe/internal/testenv"
)

// golangciVersion is the golangci-lint the test builds, as .custom-gcl.yml
// names it in docs/mapvet.md.
const golangciVersion = "v2.15.0"

// customMain is what `golangci-lint custom` builds: golangci-lint's own
// cmd/golangci-lint main (build information, commands.Execute, exit status
// exitcodes.Failure on an error) with a plugins.go that imports each plugin
// for its init. custom clones the repository and writes plugins.go into it;
// a clone needs the network, so the test writes an equivalent main package
// of its own in a module that requires golangci-lint from the module proxy.
const customMain = `// Command custom-gcl is golangci-lint ` + golangciVersion + ` with the mapvet plugin,
// built as golangci-lint custom builds it (mapvet/golangci/custom_test.go).
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/golangci/golangci-lint/v2/pkg/commands"
	"github.com/golangci/golangci-lint/v2/pkg/exitcodes"
)

// version and date are set with -ldflags -X, as golangci-lint custom does.
var version, date = "unknown", "(unknown)"

func main() {
	info := commands.BuildInfo{Version: version, Date: date, Commit: "(custom build)", GoVersion: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info.GoVersion = bi.GoVersion
	}
	if err := commands.Execute(info); err != nil {
		fmt.Fprintf(os.Stderr, "The command is terminated due to an error: %v\n", err)
		os.Exit(exitcodes.Failure)
	}
}
`

// pluginsGo is the file golangci-lint custom generates from .custom-gcl.yml:
// one blank import per plugin.
const pluginsGo = `package main

import (
	_ "github.com/mapsafe/mapsafe/mapvet/golangci"
)
`

// TestCustomGolangciLint builds a golangci-lint that includes the mapvet
// module plugin, from the module proxy and this checkout, runs it on
// examples/ with the .golangci.yml of docs/mapvet.md, and checks that it
// reports the README quick start's findings. It takes minutes from a cold
// build cache, so it runs when MAPSAFE_GOLANGCI=1 (scripts/test.sh sets it
// in a step of its own); under CI=true a build that cannot be done fails.
func TestCustomGolangciLint(t *testing.T) {
	if os.Getenv("MAPSAFE_GOLANGCI") != "1" {
		t.Skip("set MAPSAFE_GOLANGCI=1 to build a custom golangci-lint (scripts/test.sh does, in a step of its own)")
	}
	if testing.Short() {
		t.Skip("skipping in -short mode: builds golangci-lint")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := fmt.Sprintf("module mapsafe.test/custom-gcl\n\ngo 1.26.0\n\nrequire (\n\tgithub.com/golangci/golangci-lint/v2 %s\n\tgithub.com/mapsafe/mapsafe v0.0.0\n)\n\nreplace github.com/mapsafe/mapsafe => %s\n", golangciVersion, root)
	for name, src := range map[string]string{"go.mod": gomod, "main.go": customMain, "plugins.go": pluginsGo} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
	start := time.Now()
	if out, err := command(dir, env, "go", "mod", "tidy"); err != nil {
		// The module proxy is the one thing from outside this test needs.
		testenv.Missing(t, "go mod tidy for golangci-lint %s (the module proxy): %v\n%s", golangciVersion, err, out)
	}
	tidy := time.Since(start)
	start = time.Now()
	bin := filepath.Join(dir, "custom-gcl")
	ldflags := fmt.Sprintf("-s -w -X 'main.version=%s-custom-gcl' -X 'main.date=%s'", strings.TrimPrefix(golangciVersion, "v"), time.Now().UTC())
	if out, err := command(dir, env, "go", "build", "-ldflags", ldflags, "-o", bin, "."); err != nil {
		t.Fatalf("building golangci-lint %s with the mapvet plugin: %v\n%s", golangciVersion, err, out)
	}
	t.Logf("go mod tidy %.1f s, go build %.1f s", tidy.Seconds(), time.Since(start).Seconds())

	cfg := filepath.Join(dir, ".golangci.yml")
	if err := os.WriteFile(cfg, []byte(documentedConfig(t, filepath.Join(root, "docs/mapvet.md"))), 0o644); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	runEnv := append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOLANGCI_LINT_CACHE="+filepath.Join(dir, "lintcache"))
	cmd := exec.Command(bin, "run", "--config", cfg, "--path-mode", "abs", "--output.json.path", "stdout", "--output.text.path", "stderr", "./examples/...")
	cmd.Dir, cmd.Env = root, runEnv
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	t.Logf("golangci-lint run %.1f s", time.Since(start).Seconds())
	// Exit status 1: issues found.
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("golangci-lint run: %v\n%s%s", err, out, stderr.String())
	}
	got := mapvetIssues(t, string(out), root)
	want := quickStart(t, filepath.Join(root, "README.md"))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("golangci-lint with the mapvet plugin on examples/ reported\n\t%s\nwant the README quick start's\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// command runs name args in dir; the output is stdout, with stderr after
// it when the command fails.
func command(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out) + stderr.String(), err
	}
	return string(out), nil
}

// documentedConfig returns the .golangci.yml block of docs/mapvet.md.
func documentedConfig(t *testing.T, doc string) string {
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		if strings.Contains(block[1], "linters:") {
			return block[1]
		}
	}
	t.Fatalf("%s has no yaml block with linters:", doc)
	return ""
}

// mapvetIssues returns the mapvet plugin's issues in golangci-lint's JSON
// output as "file:line:col: message", the file relative to root (the
// output has absolute paths, --path-mode abs), the analyzer's name taken off the
// front of the message (golangci-lint prefixes it when a plugin has several
// analyzers) and related positions indented with a tab as mapvet prints
// them, sorted.
func mapvetIssues(t *testing.T, out, root string) []string {
	var res struct {
		Issues []struct {
			FromLinter, Text string
			Pos              struct {
				Filename     string
				Line, Column int
			}
		}
	}
	// The JSON report comes first; golangci-lint prints its statistics
	// ("4 issues: ...") on standard output after it.
	if err := json.NewDecoder(strings.NewReader(out)).Decode(&res); err != nil {
		t.Fatalf("golangci-lint JSON output: %v\n%s", err, out)
	}
	var got []string
	for _, is := range res.Issues {
		if is.FromLinter != "mapvet" {
			continue
		}
		check, msg, ok := strings.Cut(is.Text, ": ")
		if !ok {
			t.Errorf("issue text %q does not start with the check's name", is.Text)
		}
		// golangci-lint reports a finding's related positions as issues
		// of their own, "check(related information): message"; mapvet
		// prints them indented under the finding, as go vet does.
		if strings.HasSuffix(check, "(related information)") {
			msg = "\t" + msg
		}
		rel, err := filepath.Rel(root, is.Pos.Filename)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s:%d:%d: %s", filepath.ToSlash(rel), is.Pos.Line, is.Pos.Column, msg))
	}
	sort.Strings(got)
	return got
}

// quickStart returns the findings (and their related positions) the
// README's quick start shows for `go run ./cmd/mapvet ./examples/...`,
// sorted.
func quickStart(t *testing.T, readme string) []string {
	f, err := os.Open(readme)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "examples/") && strings.Contains(sc.Text(), ".go:") {
			want = append(want, sc.Text())
		}
	}
	if len(want) == 0 {
		t.Fatalf("%s shows no findings on examples/", readme)
	}
	sort.Strings(want)
	return want
}
