package mapvet_test

import (
	"flag"
	"fmt"
	"go/doc/comment"
	"os"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/mapvet"
)

var update = flag.Bool("update", false, "rewrite the generated sections of docs/mapvet.md")

const docsFile = "../docs/mapvet.md"

// The per-check sections of docs/mapvet.md are generated from each check's
// doc.go (which go doc, mapvet help and the analyzer's Doc also show), so
// they cannot drift. After editing a doc.go, run
//
//	go test ./mapvet -run TestDocs -update
func TestDocs(t *testing.T) {
	data, err := os.ReadFile(docsFile)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, c := range mapvet.Suite(mapvet.Config{}) {
		name := c.Analyzer.Name
		begin := fmt.Sprintf("<!-- generated from mapvet/%s doc.go: edit that, then go test ./mapvet -run TestDocs -update -->\n", pkgDir(name))
		end := "<!-- end of generated section -->\n"
		i := strings.Index(doc, begin)
		j := strings.Index(doc[max(i, 0):], end)
		if i < 0 || j < 0 {
			t.Errorf("docs/mapvet.md has no generated section for %s (want a line %q and an end line %q)", name, begin, end)
			continue
		}
		j += i
		want := markdown(c)
		if got := doc[i+len(begin) : j]; got != want {
			if *update {
				doc = doc[:i+len(begin)] + want + doc[j:]
				continue
			}
			t.Errorf("docs/mapvet.md's section for %s differs from its doc.go; run go test ./mapvet -run TestDocs -update\n--- docs:\n%s\n--- doc.go:\n%s", name, got, want)
		}
	}
	if *update {
		if err := os.WriteFile(docsFile, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// pkgDir is the directory of a check's package.
func pkgDir(check string) string {
	if check == "mapvetignore" {
		return "directive"
	}
	return check
}

var unescape = strings.NewReplacer(`\<`, "<", `\>`, ">", `\*`, "*", `\_`, "_", `\[`, "[", `\]`, "]")

// markdown renders a check's documentation for docs/mapvet.md: its title
// and metadata, then its doc.go text.
func markdown(c mapvet.Check) string {
	title, body, _ := strings.Cut(c.Analyzer.Doc, "\n")
	title = strings.TrimPrefix(title, c.Analyzer.Name+": ")
	def := "on by default"
	if !c.Default {
		def = "off by default"
	}
	var p comment.Parser
	var pr comment.Printer
	md := string(pr.Markdown(p.Parse(body)))
	// Doc comments have no inline code; the docs mark it with backticks,
	// which Markdown renders as code, where nothing needs escaping.
	md = strings.ReplaceAll(md, "\\`", "`")
	parts := strings.Split(md, "`")
	for i := 1; i < len(parts); i += 2 {
		parts[i] = unescape.Replace(parts[i])
	}
	md = strings.Join(parts, "`")
	return fmt.Sprintf("**%s** (severity: %s; %s)\n\n%s", title, c.Severity, def, md)
}
