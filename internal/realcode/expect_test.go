package realcode

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `# comment
module example.com/m@v1.2.3
a/b.go:10 sharedmap fp/lazyinit "write to t.byName" the table is built in its declaration
a/b.go:10 sharedmap tp "read of t.byName" a real one
c.go:7 rangeinsert harmless "insert into m" inserted keys are skipped by the loop

module std@go1.26.8
net/http/h2_bundle.go:6794 rangeinsert harmless "insert into rws.handlerHeader" trailer keys lose their prefix
`

func TestParseExpectations(t *testing.T) {
	exp, err := ParseExpectations(strings.NewReader(sample), "x.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(exp) != 4 {
		t.Fatalf("got %d entries, want 4", len(exp))
	}
	e := exp[0]
	want := Expectation{Module: "example.com/m@v1.2.3", File: "a/b.go", Line: 10, Check: "sharedmap",
		Verdict: FalsePositive, Cause: "lazyinit", Message: "write to t.byName",
		Reason: "the table is built in its declaration", Source: "x.txt:3"}
	if e != want {
		t.Errorf("entry 0 = %+v\nwant %+v", e, want)
	}
	if exp[3].Module != "std@go1.26.8" || exp[3].Verdict != Harmless || exp[2].Cause != "" {
		t.Errorf("entries 2, 3 = %+v, %+v", exp[2], exp[3])
	}
}

func TestParseExpectationsErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`a.go:1 sharedmap fp "m" r`, "x.txt:1: entry before the first module line"},
		{"module m\n", "x.txt:1: module \"m\" has no @version"},
		{"module m@v1\na.go sharedmap fp \"m\" r", "x.txt:2: bad position \"a.go\""},
		{"module m@v1\na.go:0 sharedmap fp \"m\" r", "bad position \"a.go:0\""},
		{"module m@v1\na.go:1 sharedmap maybe \"m\" r", "bad verdict \"maybe\""},
		{"module m@v1\na.go:1 sharedmap fp m r", "message part must be a quoted Go string"},
		{"module m@v1\na.go:1 sharedmap fp \"m\"", "x.txt:2: no reason given"},
		{"module m@v1\na.go:1 sharedmap fp \"\" r", "empty message part"},
		{"module m@v1\na.go:1 sharedmap", "want FILE:LINE CHECK VERDICT"},
	} {
		_, err := ParseExpectations(strings.NewReader(tc.in), "x.txt")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func finding(file string, line int, check, msg string) Finding {
	return Finding{Module: "example.com/m@v1.2.3", File: file, Line: line, Column: 2, Check: check, Message: msg}
}

func TestCompare(t *testing.T) {
	exp, err := ParseExpectations(strings.NewReader(sample), "x.txt")
	if err != nil {
		t.Fatal(err)
	}
	findings := []Finding{
		finding("a/b.go", 10, "sharedmap", "write to t.byName may run while ..."),
		finding("a/b.go", 10, "sharedmap", "write to t.byName again, a second finding on the line"),
		finding("a/b.go", 11, "sharedmap", "read of t.byName"),            // wrong line
		finding("a/b.go", 10, "deferaccess", "read of t.byName in defer"), // wrong check
	}
	all := func(Expectation) bool { return true }
	c := Compare(findings, exp, all)
	if c.Judged[0].Entry == nil || c.Judged[0].Entry.Verdict != FalsePositive {
		t.Errorf("finding 0 not judged fp: %+v", c.Judged[0])
	}
	// An entry matches one finding only: the second write needs its own.
	if len(c.New) != 3 || c.New[0].Message != findings[1].Message {
		t.Errorf("new = %+v, want findings 1, 2, 3", c.New)
	}
	if c.Counts[FalsePositive] != 1 || c.Counts[TruePositive] != 0 {
		t.Errorf("counts = %v", c.Counts)
	}
	// The tp entry at a/b.go:10, the rangeinsert at c.go:7 and the std
	// entry are gone when everything is in scope ...
	if len(c.Gone) != 3 {
		t.Errorf("gone = %+v, want 3 entries", c.Gone)
	}
	// ... and only those of checked packages otherwise.
	r := Result{Key: "example.com/m@v1.2.3", Dirs: []string{"a"}}
	c = Compare(findings, exp, r.InScope)
	if len(c.Gone) != 1 || c.Gone[0].File != "a/b.go" || c.Gone[0].Verdict != TruePositive {
		t.Errorf("gone in scope a = %+v, want the tp at a/b.go:10", c.Gone)
	}
}

func TestEntryLineRoundTrip(t *testing.T) {
	f := finding("x/y.go", 42, "rlockwrite", `write to c.hits while only the read lock c.mu is held: "quoted"`)
	line := strings.Replace(EntryLine(f), "VERDICT", "tp", 1)
	exp, err := ParseExpectations(strings.NewReader("module example.com/m@v1.2.3\n"+line), "x.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(exp) != 1 || !exp[0].matches(f) || exp[0].Reason != "REASON" {
		t.Errorf("pasted entry %q does not match its finding: %+v", line, exp)
	}
}

func TestReport(t *testing.T) {
	exp, _ := ParseExpectations(strings.NewReader(sample), "x.txt")
	results := []Result{
		{Name: "m", Key: "example.com/m@v1.2.3", Packages: 2, Dirs: []string{"a", "."},
			Mapvet: &Cost{Seconds: 12, MaxRSSMB: 2048, Exit: 3}, Vet: &Cost{Seconds: 6},
			Findings: []Finding{finding("a/b.go", 10, "sharedmap", "write to t.byName x"), finding("d.go", 3, "sharedmap", "new one")}},
		{Name: "big", Key: "example.com/big@v1", Mapvet: &Cost{Seconds: 1200, MaxRSSMB: 9000, Exit: -1, Exceeded: "time"}},
	}
	rep := NewReport(results, exp)
	if !rep.Failed() {
		t.Error("a finding without a verdict must fail the run")
	}
	var b bytes.Buffer
	rep.WriteMarkdown(&b)
	out := b.String()
	for _, want := range []string{
		"| m | example.com/m@v1.2.3 | 2 | 12.0 s | 2.00 GB | 6.0 s | 2.00 | 2 | 0 | 0 | 1 | 1 | 2 |",
		"| big | example.com/big@v1 | 0 | exceeded (killed at 1200 s) |",
		"| lazyinit | 1 |",
		"d.go:3 sharedmap VERDICT \"new one\" REASON",
		"example.com/m@v1.2.3/c.go:7 rangeinsert harmless",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestParseFindings(t *testing.T) {
	flat := `[{"check":"sharedmap","package":"m/a","posn":"/r/a/b.go:10:2","file":"/r/a/b.go","line":10,"column":2,"message":"write"}]`
	tree := `{"m/a": {"sharedmap": [{"posn": "/r/a/b.go:10:2", "end": "/r/a/b.go:10:9", "message": "write"}]},
		"m/a [m/a.test]": {"sharedmap": [{"posn": "/r/a/b.go:10:2", "message": "write"}], "rangeinsert": [{"posn": "/r/c.go:3:1", "message": "insert"}]}}`
	want := []Finding{{Module: "m@v1", File: "a/b.go", Line: 10, Column: 2, Check: "sharedmap", Message: "write"}}
	got, err := parseFindings([]byte(flat), "/r", "m@v1")
	if err != nil || len(got) != 1 || got[0] != want[0] {
		t.Errorf("flat schema: %+v, %v", got, err)
	}
	got, err = parseFindings([]byte(tree), "/r", "m@v1")
	want = append(want, Finding{Module: "m@v1", File: "c.go", Line: 3, Column: 1, Check: "rangeinsert", Message: "insert"})
	if err != nil || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("go vet schema (the test variant's copy kept once): %+v, %v", got, err)
	}
	if _, err := parseFindings([]byte(`{"m/a": {"x": [{"posn": "nowhere", "message": "m"}]}}`), "/r", "m@v1"); err == nil {
		t.Error("a posn without a line was accepted")
	}
	if _, err := parseFindings([]byte(`[{"file": "/elsewhere/x.go", "line": 1}]`), "/r", "m@v1"); err == nil {
		t.Error("a finding outside the module root was accepted")
	}
}
