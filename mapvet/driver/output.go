package driver

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"golang.org/x/tools/go/analysis"
)

func writeText(w io.Writer, fs []Finding, dir string) error {
	for _, f := range fs {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s\n", relative(f.Pos.Filename, dir), f.Pos.Line, f.Pos.Column, f.Message); err != nil {
			return err
		}
	}
	return nil
}

type jsonEdit struct {
	File    string `json:"file"`
	Start   int    `json:"start"` // byte offsets
	End     int    `json:"end"`
	NewText string `json:"new"`
}

type jsonFix struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

type jsonFinding struct {
	Check   string    `json:"check"`
	Package string    `json:"package"`
	Posn    string    `json:"posn"`
	File    string    `json:"file"`
	Line    int       `json:"line"`
	Column  int       `json:"column"`
	Message string    `json:"message"`
	Fixes   []jsonFix `json:"fixes,omitempty"`
}

// writeJSON prints an array with one object per finding (an empty array
// when there are none).
func writeJSON(w io.Writer, fs []Finding) error {
	out := make([]jsonFinding, 0, len(fs))
	for _, f := range fs {
		jf := jsonFinding{
			Check: f.Check, Package: f.Package, Posn: f.Pos.String(),
			File: f.Pos.Filename, Line: f.Pos.Line, Column: f.Pos.Column, Message: f.Message,
		}
		for _, fix := range f.Fixes {
			jf.Fixes = append(jf.Fixes, jsonFix{fix.Message, edits(f, fix)})
		}
		out = append(out, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func edits(f Finding, fix analysis.SuggestedFix) []jsonEdit {
	var out []jsonEdit
	for _, e := range fix.TextEdits {
		start, end := f.fset.Position(e.Pos), f.fset.Position(e.End)
		if !e.End.IsValid() {
			end = start
		}
		out = append(out, jsonEdit{start.Filename, start.Offset, end.Offset, string(e.NewText)})
	}
	return out
}

// SARIF 2.1.0, the subset code-scanning services read.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID               string    `json:"id"`
	ShortDescription sarifText `json:"shortDescription"`
	FullDescription  sarifText `json:"fullDescription"`
	HelpURI          string    `json:"helpUri"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
}

func writeSARIF(w io.Writer, fs []Finding, analyzers []*analysis.Analyzer) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{
		Name:           "mapvet",
		InformationURI: "https://github.com/mapsafe/mapsafe",
	}}, Results: []sarifResult{}}
	for _, a := range analyzers {
		short := a.Doc
		for i, c := range short {
			if c == '\n' {
				short = short[:i]
				break
			}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{a.Name, sarifText{short}, sarifText{a.Doc}, a.URL})
	}
	for _, f := range fs {
		run.Results = append(run.Results, sarifResult{
			RuleID:  f.Check,
			Level:   "warning",
			Message: sarifText{f.Message},
			Locations: []sarifLocation{{sarifPhysical{
				sarifArtifact{"file://" + filepath.ToSlash(f.Pos.Filename)},
				sarifRegion{f.Pos.Line, f.Pos.Column},
			}}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}
