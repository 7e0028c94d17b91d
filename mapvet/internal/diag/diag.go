// Package diag is how mapvet checks report: it keeps the position a check
// is working on so that a panic becomes an error naming the check and the
// position, and it drops diagnostics suppressed by a directive
//
//	//mapvet:ignore <check>[,<check>...] <reason>
//
// on the reported line or on the line above it. The reason is mandatory;
// the mapvetignore analyzer reports directives without one.
package diag

import (
	"fmt"
	"go/ast"
	"go/token"
	"runtime/debug"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Directive is one //mapvet:ignore comment.
type Directive struct {
	Pos    token.Pos
	Checks []string
	Reason string
}

const prefix = "//mapvet:ignore"

// Directives returns the //mapvet:ignore directives of a file.
func Directives(f *ast.File) []Directive {
	var out []Directive
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if !strings.HasPrefix(c.Text, prefix) {
				continue
			}
			rest := c.Text[len(prefix):]
			if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
				continue // e.g. //mapvet:ignored: not ours
			}
			if i := strings.Index(rest, "//"); i >= 0 {
				rest = rest[:i] // a comment after the directive
			}
			fields := strings.Fields(rest)
			d := Directive{Pos: c.Pos()}
			if len(fields) > 0 {
				d.Checks = strings.Split(fields[0], ",")
				d.Reason = strings.Join(fields[1:], " ")
			}
			out = append(out, d)
		}
	}
	return out
}

// Checker is the per-pass state of one check.
type Checker struct {
	Pass   *analysis.Pass
	Suffix string // appended to every message
	seen   map[token.Pos]bool
	name   string
	cur    token.Pos
	quiet  map[string]map[int]bool // file name -> lines where the check is suppressed
}

// NewChecker returns the reporting state of check name for pass.
func NewChecker(pass *analysis.Pass, name string) *Checker {
	c := &Checker{Pass: pass, name: name, quiet: map[string]map[int]bool{}}
	for _, f := range pass.Files {
		for _, d := range Directives(f) {
			if d.Reason == "" || !names(d.Checks, name) {
				continue
			}
			p := pass.Fset.Position(d.Pos)
			lines := c.quiet[p.Filename]
			if lines == nil {
				lines = map[int]bool{}
				c.quiet[p.Filename] = lines
			}
			lines[p.Line] = true   // a trailing comment
			lines[p.Line+1] = true // a comment on the line above
		}
	}
	return c
}

func names(checks []string, name string) bool {
	for _, c := range checks {
		if c == name {
			return true
		}
	}
	return false
}

// InPackage reports whether pos is in one of the files of the package
// being checked (not a position from another package's summary).
func (c *Checker) InPackage(pos token.Pos) bool {
	if !pos.IsValid() {
		return false
	}
	for _, f := range c.Pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return true
		}
	}
	return false
}

// At records the position the check is working on, for panic reports.
func (c *Checker) At(pos token.Pos) { c.cur = pos }

// Report reports d unless a directive suppresses it, or the check has
// reported at d's position already (one finding per position: the first,
// most specific rule's).
func (c *Checker) Report(d analysis.Diagnostic) {
	p := c.Pass.Fset.Position(d.Pos)
	if c.quiet[p.Filename][p.Line] || c.seen[d.Pos] {
		return
	}
	if c.seen == nil {
		c.seen = map[token.Pos]bool{}
	}
	c.seen[d.Pos] = true
	d.Message += c.Suffix
	c.Pass.Report(d)
}

// Reportf reports a diagnostic without fixes.
func (c *Checker) Reportf(pos token.Pos, format string, args ...any) {
	c.Report(analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Run calls f and turns a panic in it into an error naming the check and
// the position it was working on: a bug in mapvet must not crash a build.
func (c *Checker) Run(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			where := "an unknown position"
			if c.cur.IsValid() {
				where = c.Pass.Fset.Position(c.cur).String()
			}
			err = fmt.Errorf("internal error in check %s at %s: %v\n%s", c.name, where, r, debug.Stack())
		}
	}()
	f()
	return nil
}

// Doc extracts an analyzer's documentation from its doc.go: the text after
// the "# Analyzer name" heading, as go doc shows it.
func Doc(src, name string) string {
	var lines []string
	in := false
	for _, l := range strings.Split(src, "\n") {
		if !strings.HasPrefix(l, "//") {
			if in {
				break
			}
			continue
		}
		l = strings.TrimPrefix(strings.TrimPrefix(l, "//"), " ")
		if l == "# Analyzer "+name {
			in = true
			continue
		}
		if in {
			lines = append(lines, l)
		}
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// Related is a secondary position of a finding: the other side of a race,
// the start of the goroutine, the lock that guards the map.
func Related(pos token.Pos, format string, args ...any) analysis.RelatedInformation {
	return analysis.RelatedInformation{Pos: pos, Message: fmt.Sprintf(format, args...)}
}

// Severity is what a check's finding means for the program.
type Severity uint8

const (
	Crash   Severity = iota + 1 // the program can die with a fatal map error
	Warning                     // results that vary between runs, or a misused directive
)

func (s Severity) String() string {
	switch s {
	case Crash:
		return "crash"
	case Warning:
		return "warning"
	}
	return "?"
}

// Info is a check's metadata, which each check declares once: drivers
// choose SARIF levels, help text and the default selection from it.
type Info struct {
	Name       string
	Severity   Severity
	NonDefault bool // off unless selected by name
}

// Checks lists the names of mapvet's checks, the names a //mapvet:ignore
// directive may use.
var Checks = []string{"deferaccess", "rlockwrite", "sharedmap", "guardedby", "copiedowner", "rangeinsert"}
