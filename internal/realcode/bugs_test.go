package realcode

import (
	"os"
	"strings"
	"testing"
)

const cases = `# comment
case a-1
report https://example.com/issues/1
fix https://example.com/pull/2
module example.com/a@v1.0.0
setup module
packages ./x ./y
racy x/cache.go:96 range without the lock
racy x/cache.go:133 write under the lock

case b-2
report https://example.com/issues/3
module k8s.io/kubernetes@v1.34.2
setup module
staging v0.34.2
packages ./pkg
racy pkg/q.go:5 delete
`

func TestParseCases(t *testing.T) {
	cs, err := ParseCases(strings.NewReader(cases), "c.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("got %d cases", len(cs))
	}
	a := cs[0]
	if a.Name != "a-1" || a.Target.Key() != "example.com/a@v1.0.0" || a.Target.Setup != SetupModule ||
		strings.Join(a.Target.Packages, " ") != "./x ./y" || len(a.Racy) != 2 ||
		a.Racy[1] != (Racy{"x/cache.go", 133, "write under the lock"}) || a.Fix == "" || a.Source != "c.txt:2" {
		t.Errorf("case a = %+v", a)
	}
	if cs[1].Target.Staging != "v0.34.2" || cs[1].Fix != "" {
		t.Errorf("case b = %+v", cs[1])
	}
}

func TestParseCasesErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"report x", "c.txt:1: \"report\" before the first case line"},
		{"case a\nmodule m@v1\nsetup module\npackages .\nracy a.go:1 x", "case a has no report"},
		{"case a\nreport r\nsetup module\npackages .\nracy a.go:1 x", "case a has no module@version"},
		{"case a\nreport r\nmodule m@v1\nsetup std\npackages .\nracy a.go:1 x", "setup must be module or scratch"},
		{"case a\nreport r\nmodule m@v1\nsetup module\nracy a.go:1 x", "case a has no packages"},
		{"case a\nreport r\nmodule m@v1\nsetup module\npackages .", "case a has no racy line"},
		{"case a\nracy a.go x", "c.txt:2: bad racy position \"a.go\""},
		{"case a\nmodule m", "module \"m\" has no @version"},
		{"case a\ncolour red", "unknown key \"colour\""},
	} {
		_, err := ParseCases(strings.NewReader(tc.in), "c.txt")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func TestCatches(t *testing.T) {
	cs, _ := ParseCases(strings.NewReader(cases), "c.txt")
	c := cs[0]
	for _, tc := range []struct {
		f    Finding
		want bool
	}{
		{Finding{File: "x/cache.go", Line: 96}, true},
		{Finding{File: "x/cache.go", Line: 97}, false},
		{Finding{File: "y/other.go", Line: 96}, false},
		// A sharedmap finding on the go statement, naming the access.
		{Finding{File: "x/run.go", Line: 12, Message: "goroutines started here write lc.entries at cache.go:133, with no common lock"}, true},
		{Finding{File: "x/run.go", Line: 12, Message: "call to c.count writes c.hits (assign at cache.go:134)"}, false},
	} {
		if _, got := c.Catches(tc.f); got != tc.want {
			t.Errorf("Catches(%+v) = %v, want %v", tc.f, got, tc.want)
		}
	}
}

// The repository's data files must parse: a typo would only show in a
// run of the scripts, which take minutes.
func TestDataFiles(t *testing.T) {
	cs, err := LoadCases("../../scripts/realcode/realbugs.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 8 {
		t.Errorf("realbugs.txt has %d cases, want issue 13's eight", len(cs))
	}
	exp, err := LoadExpectations("../../scripts/realcode/expect.txt")
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, tg := range Set {
		targets[tg.Key()] = true
	}
	for _, e := range exp {
		if !targets[e.Module] && !strings.HasPrefix(e.Module, "std@") {
			t.Errorf("%s: module %s is not in the real-code set", e.Source, e.Module)
		}
	}
	if _, err := os.Stat("../../scripts/realcode.sh"); err != nil {
		t.Error(err)
	}
}
