package realcode

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
)

// Verdict is a reviewer's judgement of one finding.
type Verdict string

const (
	TruePositive  Verdict = "tp"       // the hazard is real and matters
	Harmless      Verdict = "harmless" // the pattern is there, but it cannot hurt
	FalsePositive Verdict = "fp"       // the hazard is not there
)

func parseVerdict(s string) (Verdict, bool) {
	switch v := Verdict(s); v {
	case TruePositive, Harmless, FalsePositive:
		return v, true
	}
	return "", false
}

// Expectation is one reviewed finding of the expectations file.
type Expectation struct {
	Module  string // module@version ("std@go1.26.8" for the standard library)
	File    string // slash-separated, relative to the module root
	Line    int
	Check   string
	Verdict Verdict
	Cause   string // a short name for why a false positive is false ("" when not given)
	Message string // a stable part of the finding's message
	Reason  string // one line
	Source  string // file:line of the entry in the expectations file
}

// Pos is the entry's position, module@version/file:line.
func (e Expectation) Pos() string { return fmt.Sprintf("%s/%s:%d", e.Module, e.File, e.Line) }

// ParseExpectations reads an expectations file:
//
//	# comment
//	module google.golang.org/grpc@v1.85.0
//	FILE:LINE CHECK VERDICT[/CAUSE] "STABLE PART OF THE MESSAGE" REASON
//
// VERDICT is tp, harmless or fp; the quoted part is a Go string literal
// that must occur in the finding's message; REASON is the rest of the line
// and must not be empty. Entries belong to the last module line.
func ParseExpectations(r io.Reader, name string) ([]Expectation, error) {
	var out []Expectation
	module := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		where := fmt.Sprintf("%s:%d", name, n)
		if rest, ok := strings.CutPrefix(line, "module "); ok {
			module = strings.TrimSpace(rest)
			if !strings.Contains(module, "@") {
				return nil, fmt.Errorf("%s: module %q has no @version", where, module)
			}
			continue
		}
		if module == "" {
			return nil, fmt.Errorf("%s: entry before the first module line", where)
		}
		e, err := parseEntry(line)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		e.Module, e.Source = module, where
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return out, nil
}

func parseEntry(line string) (Expectation, error) {
	var e Expectation
	fields := strings.SplitN(line, " ", 4)
	if len(fields) < 4 {
		return e, fmt.Errorf("want FILE:LINE CHECK VERDICT \"MESSAGE\" REASON, got %q", line)
	}
	file, lineNo, ok := strings.Cut(fields[0], ":")
	n, err := strconv.Atoi(lineNo)
	if !ok || err != nil || n <= 0 || file == "" {
		return e, fmt.Errorf("bad position %q (want FILE:LINE)", fields[0])
	}
	e.File, e.Line, e.Check = path.Clean(file), n, fields[1]
	verdict, cause, _ := strings.Cut(fields[2], "/")
	if e.Verdict, ok = parseVerdict(verdict); !ok {
		return e, fmt.Errorf("bad verdict %q (want tp, harmless or fp)", verdict)
	}
	e.Cause = cause
	rest := strings.TrimSpace(fields[3])
	quoted, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return e, fmt.Errorf("message part must be a quoted Go string: %q", rest)
	}
	e.Message, _ = strconv.Unquote(quoted)
	if e.Message == "" {
		return e, fmt.Errorf("empty message part")
	}
	e.Reason = strings.TrimSpace(rest[len(quoted):])
	if e.Reason == "" {
		return e, fmt.Errorf("no reason given")
	}
	return e, nil
}

// LoadExpectations parses the expectations file at name.
func LoadExpectations(name string) ([]Expectation, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseExpectations(f, name)
}

// Finding is one mapvet finding, its file relative to the module root.
type Finding struct {
	Module  string // module@version
	File    string // slash-separated, relative to the module root
	Line    int
	Column  int
	Check   string
	Message string
}

// Pos is the finding's position, module@version/file:line:column.
func (f Finding) Pos() string {
	return fmt.Sprintf("%s/%s:%d:%d", f.Module, f.File, f.Line, f.Column)
}

func (e Expectation) matches(f Finding) bool {
	return e.Module == f.Module && e.File == f.File && e.Line == f.Line &&
		e.Check == f.Check && strings.Contains(f.Message, e.Message)
}

// Judged is a finding with the entry that reviewed it (nil: not reviewed).
type Judged struct {
	Finding
	Entry *Expectation
}

// Comparison is the outcome of comparing one run's findings with the
// expectations.
type Comparison struct {
	Judged []Judged      // every finding, in the order given
	New    []Finding     // findings no entry matches: they need a verdict
	Gone   []Expectation // entries in scope that no finding matched
	Counts map[Verdict]int
}

// Compare matches each finding with one entry (an entry matches at most one
// finding, so two findings on one line need two entries). inScope says
// whether an entry's file was checked by the run; entries outside it are
// neither matched nor reported gone.
func Compare(findings []Finding, exp []Expectation, inScope func(Expectation) bool) Comparison {
	c := Comparison{Counts: map[Verdict]int{}}
	used := make([]bool, len(exp))
	for _, f := range findings {
		j := Judged{Finding: f}
		for i := range exp {
			if !used[i] && exp[i].matches(f) {
				used[i] = true
				j.Entry = &exp[i]
				c.Counts[exp[i].Verdict]++
				break
			}
		}
		if j.Entry == nil {
			c.New = append(c.New, f)
		}
		c.Judged = append(c.Judged, j)
	}
	for i, e := range exp {
		if !used[i] && inScope(e) {
			c.Gone = append(c.Gone, e)
		}
	}
	return c
}

// EntryLine renders a finding as an expectations entry with verdict
// VERDICT left for the reviewer to fill in, for pasting into the file.
func EntryLine(f Finding) string {
	return fmt.Sprintf("%s:%d %s VERDICT %s REASON", f.File, f.Line, f.Check, strconv.Quote(f.Message))
}
