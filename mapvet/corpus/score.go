package corpus

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Finding is a diagnostic's primary position and its check.
type Finding struct {
	Check   string
	File    string // slash-separated, relative to the corpus root
	Line    int
	Col     int
	Message string
}

// Key names the finding in a baseline: file, line and check. It changes
// when the file does, which is when a baseline must be reviewed anyway.
func (f Finding) Key() string { return fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Check) }

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Col, f.Check, f.Message)
}

// vetJSON is go vet -json's schema, which mapvet -json prints: package ID,
// then analyzer, then diagnostics. go vet prints one such object per
// package; mapvet prints one for all.
type vetJSON map[string]map[string]json.RawMessage

type vetDiagnostic struct {
	Posn    string `json:"posn"`
	Message string `json:"message"`
}

// ParseJSON reads findings in go vet -json's schema from r. Positions
// are made relative to root (the corpus module's directory); mapvet
// prints absolute ones.
func ParseJSON(r io.Reader, root string) ([]Finding, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	var out []Finding
	dec := json.NewDecoder(r)
	for {
		var tree vetJSON
		if err := dec.Decode(&tree); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("not go vet's JSON: %v", err)
		}
		for pkg, checks := range tree {
			for check, raw := range checks {
				var diags []vetDiagnostic
				if err := json.Unmarshal(raw, &diags); err != nil {
					// go vet reports a package's type errors as {"error": ...}
					return nil, fmt.Errorf("package %s: %s: %s", pkg, check, raw)
				}
				for _, d := range diags {
					f, err := parsePosn(d.Posn, absRoot)
					if err != nil {
						return nil, fmt.Errorf("package %s: %s: %v", pkg, check, err)
					}
					f.Check, f.Message = check, d.Message
					out = append(out, f)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// parsePosn splits "file:line:col" and makes file relative to root.
func parsePosn(posn, root string) (Finding, error) {
	rest, colStr, ok1 := cut(posn)
	file, lineStr, ok2 := cut(rest)
	line, err1 := strconv.Atoi(lineStr)
	col, err2 := strconv.Atoi(colStr)
	if !ok1 || !ok2 || err1 != nil || err2 != nil {
		return Finding{}, fmt.Errorf("position %q is not file:line:col", posn)
	}
	if filepath.IsAbs(file) {
		rel, err := filepath.Rel(root, file)
		if err != nil {
			return Finding{}, err
		}
		file = rel
	}
	return Finding{File: filepath.ToSlash(file), Line: line, Col: col}, nil
}

func cut(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// CaseResult is what the findings say about one case.
type CaseResult struct {
	*Case
	Hits     []Finding // findings on labeled lines
	OffLabel []Finding // other findings in the case's packages
	InTwin   []Finding // findings in the twin: false positives
}

// Found reports whether a finding landed on a labeled line.
func (r *CaseResult) Found() bool { return len(r.Hits) > 0 }

// FoundBy returns the checks whose findings landed on labeled lines.
func (r *CaseResult) FoundBy() []string {
	set := map[string]bool{}
	for _, f := range r.Hits {
		set[f.Check] = true
	}
	var out []string
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Results are the findings of one run, attributed.
type Results struct {
	Cases   []*CaseResult
	Outside []Finding // findings in no case and no twin (lib/): false positives
}

// Score attributes findings to the cases and twins of c.
func Score(c *Corpus, findings []Finding) *Results {
	r := &Results{}
	byDir := map[string]*CaseResult{}
	labeled := map[string]bool{} // file:line
	for _, cs := range c.Cases {
		cr := &CaseResult{Case: cs}
		r.Cases = append(r.Cases, cr)
		byDir[cs.Name] = cr
		byDir[cs.Twin] = cr
		for _, l := range cs.Labels {
			labeled[fmt.Sprintf("%s:%d", l.File, l.Line)] = true
		}
	}
	for _, f := range findings {
		dir := caseOf(f.File)
		cr := byDir[dir]
		switch {
		case cr == nil:
			r.Outside = append(r.Outside, f)
		case dir == cr.Twin:
			cr.InTwin = append(cr.InTwin, f)
		case labeled[fmt.Sprintf("%s:%d", f.File, f.Line)]:
			cr.Hits = append(cr.Hits, f)
		default:
			cr.OffLabel = append(cr.OffLabel, f)
		}
	}
	return r
}

// FalsePositives returns the findings in twins and outside the cases.
func (r *Results) FalsePositives() []Finding {
	var out []Finding
	for _, cr := range r.Cases {
		out = append(out, cr.InTwin...)
	}
	out = append(out, r.Outside...)
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
