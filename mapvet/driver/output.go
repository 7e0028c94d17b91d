package driver

import (
	"encoding/json"
	"fmt"
	"go/token"
	"io"
	"path/filepath"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet"
	"golang.org/x/tools/go/analysis"
)

// writeText prints a finding as go vet does: "file:line:col: message",
// then each related position on a line of its own, its message indented
// by a tab.
func writeText(w io.Writer, fs []Finding, dir string) error {
	for _, f := range fs {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s\n", relative(f.Pos.Filename, dir), f.Pos.Line, f.Pos.Column, f.Message); err != nil {
			return err
		}
		for _, r := range f.Related {
			if _, err := fmt.Fprintf(w, "%s:%d:%d: \t%s\n", relative(r.Pos.Filename, dir), r.Pos.Line, r.Pos.Column, r.Message); err != nil {
				return err
			}
		}
	}
	return nil
}

// go vet -json's schema (golang.org/x/tools/internal/analysis/driverutil):
// an object keyed by package ID, then by analyzer name, holding the
// package's diagnostics.
type (
	vetTree map[string]map[string][]vetDiagnostic

	vetDiagnostic struct {
		Category       string       `json:"category,omitempty"`
		Posn           string       `json:"posn"`
		End            string       `json:"end"`
		Message        string       `json:"message"`
		SuggestedFixes []vetFix     `json:"suggested_fixes,omitempty"`
		Related        []vetRelated `json:"related,omitempty"`
	}

	vetFix struct {
		Message string    `json:"message"`
		Edits   []vetEdit `json:"edits"`
	}

	vetEdit struct {
		Filename string `json:"filename"`
		Start    int    `json:"start"` // byte offsets
		End      int    `json:"end"`
		New      string `json:"new"`
	}

	vetRelated struct {
		Posn    string `json:"posn"`
		End     string `json:"end"`
		Message string `json:"message"`
	}
)

// writeJSON prints the findings in go vet -json's schema, so that a tool
// reading one reads the other: `{}` when there are none.
func writeJSON(w io.Writer, fs []Finding) error {
	tree := vetTree{}
	for _, f := range fs {
		d := vetDiagnostic{Posn: f.Pos.String(), End: orPos(f.End, f.Pos).String(), Message: f.Message}
		for _, fix := range f.Fixes {
			d.SuggestedFixes = append(d.SuggestedFixes, vetFix{fix.Message, edits(f, fix)})
		}
		for _, r := range f.Related {
			d.Related = append(d.Related, vetRelated{r.Pos.String(), orPos(r.End, r.Pos).String(), r.Message})
		}
		if tree[f.Package] == nil {
			tree[f.Package] = map[string][]vetDiagnostic{}
		}
		tree[f.Package][f.Check] = append(tree[f.Package][f.Check], d)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "\t")
	return enc.Encode(tree)
}

func edits(f Finding, fix analysis.SuggestedFix) []vetEdit {
	var out []vetEdit
	for _, e := range fix.TextEdits {
		start, end := f.fset.Position(e.Pos), f.fset.Position(e.End)
		if !e.End.IsValid() {
			end = start
		}
		out = append(out, vetEdit{start.Filename, start.Offset, end.Offset, string(e.NewText)})
	}
	return out
}

// SARIF 2.1.0, the subset code-scanning services read.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}

	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}

	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}

	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}

	sarifText struct {
		Text string `json:"text"`
	}

	sarifRule struct {
		ID                   string      `json:"id"`
		ShortDescription     sarifText   `json:"shortDescription"`
		FullDescription      sarifText   `json:"fullDescription"`
		HelpURI              string      `json:"helpUri"`
		DefaultConfiguration sarifConfig `json:"defaultConfiguration"`
	}

	sarifConfig struct {
		Level string `json:"level"`
	}

	sarifResult struct {
		RuleID           string          `json:"ruleId"`
		Level            string          `json:"level"`
		Message          sarifText       `json:"message"`
		Locations        []sarifLocation `json:"locations"`
		RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	}

	sarifLocation struct {
		ID               *int          `json:"id,omitempty"`
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
		Message          *sarifText    `json:"message,omitempty"`
	}

	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}

	sarifArtifact struct {
		URI string `json:"uri"`
	}

	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
)

// sarifLevel is a check's SARIF level: a crash is an error.
func sarifLevel(s mapvet.Severity) string {
	if s == mapvet.Crash {
		return "error"
	}
	return "warning"
}

func sarifPlace(file string, line, col int) sarifPhysical {
	return sarifPhysical{sarifArtifact{"file://" + filepath.ToSlash(file)}, sarifRegion{line, col}}
}

func writeSARIF(w io.Writer, fs []Finding, checks []mapvet.Check) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{
		Name:           "mapvet",
		InformationURI: "https://github.com/mapsafe/mapsafe",
	}}, Results: []sarifResult{}}
	level := map[string]string{}
	for _, c := range checks {
		a := c.Analyzer
		short, _, _ := strings.Cut(a.Doc, "\n")
		level[a.Name] = sarifLevel(c.Severity)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules,
			sarifRule{a.Name, sarifText{short}, sarifText{a.Doc}, a.URL, sarifConfig{level[a.Name]}})
	}
	for _, f := range fs {
		res := sarifResult{
			RuleID:    f.Check,
			Level:     level[f.Check],
			Message:   sarifText{f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPlace(f.Pos.Filename, f.Pos.Line, f.Pos.Column)}},
		}
		for i, r := range f.Related {
			id := i + 1
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
				ID:               &id,
				PhysicalLocation: sarifPlace(r.Pos.Filename, r.Pos.Line, r.Pos.Column),
				Message:          &sarifText{r.Message},
			})
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// orPos returns p, or q when p is not valid.
func orPos(p, q token.Position) token.Position {
	if p.IsValid() {
		return p
	}
	return q
}
