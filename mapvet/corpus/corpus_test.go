package corpus_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mapsafe/mapsafe/internal/testenv"
	"github.com/mapsafe/mapsafe/mapvet/corpus"
)

var update = flag.Bool("update", false, "rewrite the corpus baseline and docs/mapvet-corpus.md")

const (
	corpusDir    = "../testdata/corpus"
	baselineFile = corpusDir + "/baseline.json"
	docFile      = "../../docs/mapvet-corpus.md"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestCorpus runs mapvet once over the corpus module and compares what it
// finds with the reviewed baseline: a case that was found must stay found,
// and no false positive may appear that the baseline does not list. After
// reviewing a change, rerun with -update to record it.
func TestCorpus(t *testing.T) {
	t.Parallel()
	c, err := corpus.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	mapvet := testenv.GoBuild(t, "github.com/mapsafe/mapsafe/cmd/mapvet")
	cmd := exec.Command(mapvet, "-json", "./...")
	cmd.Dir = corpusDir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	if ee, ok := err.(*exec.ExitError); !ok && err != nil || ok && ee.ExitCode() != 3 {
		t.Fatalf("mapvet -json ./... in %s: %v (want exit status 3, findings)\n%s", corpusDir, err, stderr.String())
	}
	findings, err := corpus.ParseJSON(&stdout, corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	res := corpus.Score(c, findings)
	t.Logf("mapvet -json ./... took %v\n%s", elapsed.Round(10*time.Millisecond), res.Table())

	cur := res.Baseline()
	if *update {
		if err := os.WriteFile(baselineFile, cur.Marshal(), 0o644); err != nil {
			t.Fatal(err)
		}
		run := corpus.Run{Command: "mapvet -json ./...", Duration: elapsed, Packages: countPackages(t)}
		if err := os.WriteFile(docFile, res.Markdown(run), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(baselineFile)
	if err != nil {
		t.Fatalf("%v (record one with go test ./mapvet/corpus -update)", err)
	}
	var old corpus.Baseline
	if err := json.Unmarshal(data, &old); err != nil {
		t.Fatalf("%s: %v", baselineFile, err)
	}
	regressions, improvements := corpus.Compare(old, cur)
	for _, s := range improvements {
		t.Logf("improvement: %s", s)
	}
	if len(regressions) > 0 {
		t.Errorf("mapvet lost ground on the corpus:\n\t%s\nreview the findings (go test ./mapvet/corpus -v prints them), then record them with go test ./mapvet/corpus -update", strings.Join(regressions, "\n\t"))
	}
	if len(improvements) > 0 {
		t.Logf("improvements are not recorded yet: review them, then go test ./mapvet/corpus -update")
	}
}

// countPackages returns the number of packages of the corpus module.
func countPackages(t *testing.T) int {
	cmd := exec.Command("go", "list", "./...")
	cmd.Dir = corpusDir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list ./... in %s: %v", corpusDir, err)
	}
	return len(strings.Fields(string(out)))
}

// TestVet keeps the corpus plausible Go: go vet reports nothing but the
// lock copies that are the very bugs of the copied-owner cases (value
// receivers that copy a mutex along with a map), each on a labeled line.
func TestVet(t *testing.T) {
	t.Parallel()
	c, err := corpus.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	labeled := map[string]corpus.Category{}
	for _, cs := range c.Cases {
		for _, l := range cs.Labels {
			labeled[l.File+":"+strconv.Itoa(l.Line)] = l.Category
		}
	}
	cmd := exec.Command("go", "vet", "-json", "./...")
	cmd.Dir = corpusDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // go vet -json prints to stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go vet -json ./... in %s: %v\n%s", corpusDir, err, stderr.String())
	}
	findings, err := corpus.ParseJSON(&stderr, corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Check == "copylocks" && labeled[f.File+":"+strconv.Itoa(f.Line)] == 'd' {
			continue
		}
		t.Errorf("go vet: %s", f)
	}
}

// TestLayout checks that every case and twin of the corpus is well formed;
// Load does the checking.
func TestLayout(t *testing.T) {
	c, err := corpus.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Cases) < 40 {
		t.Errorf("the corpus has %d cases, issue 13 asks for at least 40", len(c.Cases))
	}
	perCat := map[corpus.Category]int{}
	for _, cs := range c.Cases {
		perCat[cs.Category]++
		if !strings.HasPrefix(cs.Report, "https://github.com/") {
			t.Errorf("%s: report %s is not a GitHub issue or pull request", cs.Name, cs.Report)
		}
	}
	for _, cat := range corpus.Categories {
		if perCat[cat] < 4 {
			t.Errorf("category %s (%s) has %d cases, want at least 4", cat, cat.Name(), perCat[cat])
		}
	}
	if _, err := os.Stat(filepath.Join(corpusDir, "go.mod")); err != nil {
		t.Error(err)
	}
}
