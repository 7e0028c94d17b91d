package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// write creates the files of a corpus under a temporary directory.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	racy = `// Package cache races.
//
// Report: https://github.com/o/r/issues/1
package cache

func Put(m map[string]int) {
	go func() { m["a"] = 1 }() // race: x the goroutine writes m
	m["b"] = 2                 // race: x the caller writes m
}
`
	fixed = `// Package cache does not.
//
// Report: https://github.com/o/r/issues/1
package cache

func Put(m map[string]int) {
	m["a"] = 1
	m["b"] = 2
}
`
)

func TestLoad(t *testing.T) {
	dir := write(t, map[string]string{"cases/cache/c.go": racy, "cases/cache_fixed/c.go": fixed, "lib/x/x.go": "package x\n"})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Cases) != 1 {
		t.Fatalf("got %d cases, want 1", len(c.Cases))
	}
	cs := c.Cases[0]
	if cs.Name != "cache" || cs.Twin != "cache_fixed" || cs.Category != 'x' || cs.Report != "https://github.com/o/r/issues/1" {
		t.Errorf("case = %+v", cs)
	}
	want := []Label{
		{File: "cases/cache/c.go", Line: 7, Category: 'x', Reason: "the goroutine writes m"},
		{File: "cases/cache/c.go", Line: 8, Category: 'x', Reason: "the caller writes m"},
	}
	if len(cs.Labels) != len(want) {
		t.Fatalf("labels = %+v, want %+v", cs.Labels, want)
	}
	for i := range want {
		if cs.Labels[i] != want[i] {
			t.Errorf("label %d = %+v, want %+v", i, cs.Labels[i], want[i])
		}
	}
}

func TestLoadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no twin", map[string]string{"cases/cache/c.go": racy}, "cases/cache: no twin"},
		{"no case", map[string]string{"cases/cache/c.go": racy, "cases/cache_fixed/c.go": fixed, "cases/other_fixed/c.go": fixed}, "cases/other_fixed: a twin without a case"},
		{"label in twin", map[string]string{"cases/cache/c.go": racy, "cases/cache_fixed/c.go": racy}, "cases/cache_fixed/c.go:7: a // race: label in a twin"},
		{"no labels", map[string]string{"cases/cache/c.go": fixed, "cases/cache_fixed/c.go": fixed}, "cases/cache: no // race: labels"},
		{"unknown category", map[string]string{"cases/cache/c.go": strings.Replace(racy, "race: x the caller", "race: q the caller", 1), "cases/cache_fixed/c.go": fixed}, `cases/cache/c.go:8: unknown category "q"`},
		{"mixed categories", map[string]string{"cases/cache/c.go": strings.Replace(racy, "race: x the caller", "race: a the caller", 1), "cases/cache_fixed/c.go": fixed}, "cases/cache/c.go:8: category a in a case of category x"},
		{"no report", map[string]string{"cases/cache/c.go": strings.Replace(racy, "// Report:", "// See:", 1), "cases/cache_fixed/c.go": fixed}, "cases/cache: want one report URL"},
		{"twin's report differs", map[string]string{"cases/cache/c.go": racy, "cases/cache_fixed/c.go": strings.Replace(fixed, "issues/1", "issues/2", 1)}, "cases/cache_fixed: want the case's report URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(write(t, tc.files))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestParseJSONAndScore(t *testing.T) {
	dir := write(t, map[string]string{"cases/cache/c.go": racy, "cases/cache_fixed/c.go": fixed})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	abs := func(rel string) string { return filepath.Join(dir, rel) }
	// mapvet prints one object with absolute positions; go vet one object
	// per package.
	out := `{"corpus/cases/cache": {"sharedmap": [
		{"posn": "` + abs("cases/cache/c.go") + `:7:2", "message": "the goroutine writes m"},
		{"posn": "` + abs("cases/cache/c.go") + `:6:1", "message": "off the labels"}]},
	 "corpus/cases/cache_fixed": {"rlockwrite": [{"posn": "` + abs("cases/cache_fixed/c.go") + `:7:2", "message": "in the twin"}]}}
	{"corpus/lib/x": {"sharedmap": [{"posn": "lib/x/x.go:3:1", "message": "in a library"}]}}`
	findings, err := ParseJSON(strings.NewReader(out), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 4 {
		t.Fatalf("got %d findings, want 4: %v", len(findings), findings)
	}
	r := Score(c, findings)
	cr := r.Cases[0]
	if !cr.Found() || strings.Join(cr.FoundBy(), ",") != "sharedmap" {
		t.Errorf("case found by %v, want sharedmap", cr.FoundBy())
	}
	if len(cr.OffLabel) != 1 || cr.OffLabel[0].Line != 6 {
		t.Errorf("off-label findings = %v, want the one at line 6", cr.OffLabel)
	}
	if len(cr.InTwin) != 1 || len(r.Outside) != 1 {
		t.Errorf("twin findings %v and outside %v, want one each", cr.InTwin, r.Outside)
	}
	b := r.Baseline()
	wantFPs := []string{"cases/cache_fixed/c.go:7: rlockwrite", "lib/x/x.go:3: sharedmap"}
	if strings.Join(b.FalsePositives, "|") != strings.Join(wantFPs, "|") || strings.Join(b.Found["cache"], ",") != "sharedmap" {
		t.Errorf("baseline = %+v", b)
	}
	md := string(r.Markdown(Run{Command: "mapvet -json ./...", Packages: 2}))
	for _, want := range []string{"| x shapes mapvet already handled | 1 | 1 | 100% | 1 | 1 |", "| sharedmap | 1 | 100% | 1 |", "| rlockwrite | 0 | 0% | 1 |", "[o/r#1](https://github.com/o/r/issues/1) | sharedmap | 1 finding(s) |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestParseJSONRefuses(t *testing.T) {
	for _, out := range []string{
		`[1, 2]`,
		`{"p": {"sharedmap": [{"posn": "no-line", "message": "m"}]}}`,
		`{"p": {"sharedmap": {"error": "type error"}}}`,
	} {
		if _, err := ParseJSON(strings.NewReader(out), "."); err == nil {
			t.Errorf("ParseJSON(%s) succeeded", out)
		}
	}
}

func TestCompare(t *testing.T) {
	old := Baseline{Found: map[string][]string{"a": {"sharedmap"}, "b": {"rlockwrite"}}, FalsePositives: []string{"x.go:1: sharedmap"}}
	cur := Baseline{Found: map[string][]string{"b": {"rlockwrite"}, "c": {"guardedby"}}, FalsePositives: []string{"y.go:2: sharedmap"}}
	reg, imp := Compare(old, cur)
	wantReg := []string{"case a is no longer found (the baseline has it found by sharedmap)", "new false positive: y.go:2: sharedmap"}
	wantImp := []string{"case c is now found by guardedby", "false positive gone: x.go:1: sharedmap"}
	if strings.Join(reg, "|") != strings.Join(wantReg, "|") {
		t.Errorf("regressions = %q, want %q", reg, wantReg)
	}
	if strings.Join(imp, "|") != strings.Join(wantImp, "|") {
		t.Errorf("improvements = %q, want %q", imp, wantImp)
	}
	if reg, imp := Compare(cur, cur); len(reg)+len(imp) > 0 {
		t.Errorf("a baseline differs from itself: %q %q", reg, imp)
	}
}
