package engine

import (
	"go/token"
	"os"
	"sync"
)

// Positions in summaries from other packages.
//
// A summary fact crosses a process boundary under go vet (each package is
// analysed by its own mapvet process), so it cannot hold token.Pos values:
// they index the FileSet of the process that made them. A fact holds
// positions as a package path, a file name and a line and column
// (factPos), and the importing pass turns them back into token.Pos values
// of its own FileSet, so that a position in another package is a
// token.Pos like any other: the checks put it in a diagnostic's Related
// information, and every output (text, JSON, SARIF, go vet's) prints it as
// file:line:col.
//
// For that the FileSet needs a token.File for the other package's file.
// go vet's FileSet has none (the dependency was loaded from export data),
// so one is added, with the line table of the file as it is on disk. When
// the file cannot be read, a stand-in with the right name and enough lines
// keeps the line (the column becomes 1).

// factPos is a position in a fact.
type factPos struct {
	Pkg  string // import path of the package the file belongs to
	File string // as the FileSet that made the fact named it (absolute)
	Line int
	Col  int
}

func toFactPos(fset *token.FileSet, pkg string, pos token.Pos) factPos {
	if !pos.IsValid() {
		return factPos{}
	}
	p := fset.Position(pos)
	return factPos{Pkg: pkg, File: p.Filename, Line: p.Line, Col: p.Column}
}

// files are the token.Files added to FileSets for positions from facts.
var files = struct {
	sync.Mutex
	byFset map[*token.FileSet]map[string]*token.File
}{byFset: map[*token.FileSet]map[string]*token.File{}}

// pos turns a fact position into a position of fset.
func (f factPos) pos(fset *token.FileSet) token.Pos {
	if f.File == "" || f.Line <= 0 {
		return token.NoPos
	}
	tf := fileFor(fset, f.File, f.Line)
	if f.Line > tf.LineCount() {
		return token.NoPos
	}
	start := tf.LineStart(f.Line)
	end := tf.Base() + tf.Size()
	if f.Line < tf.LineCount() {
		end = int(tf.LineStart(f.Line + 1))
	}
	p := int(start) + f.Col - 1
	if f.Col < 1 || p >= end {
		p = int(start)
	}
	return token.Pos(p)
}

// fileFor returns a token.File of fset named name with at least line lines.
func fileFor(fset *token.FileSet, name string, line int) *token.File {
	files.Lock()
	defer files.Unlock()
	byName := files.byFset[fset]
	if byName == nil {
		byName = map[string]*token.File{}
		files.byFset[fset] = byName
	}
	if tf := byName[name]; tf != nil && tf.LineCount() >= line {
		return tf
	}
	var tf *token.File
	if src, err := os.ReadFile(name); err == nil {
		tf = fset.AddFile(name, -1, len(src))
		tf.SetLinesForContent(src)
	}
	if tf == nil || tf.LineCount() < line {
		// A stand-in: one byte a line.
		tf = fset.AddFile(name, -1, line)
		lines := make([]int, line)
		for i := range lines {
			lines[i] = i
		}
		tf.SetLines(lines)
	}
	byName[name] = tf
	return tf
}
