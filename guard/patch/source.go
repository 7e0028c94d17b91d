package patch

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// ShapeError reports source that does not have the shape a patch expects.
// Every one is made by source.shapeError.
type ShapeError struct {
	GoVersion string
	File      string // relative to GOROOT/src: a file, or the package's directory if not about one file
	Line      int
	Anchor    string // what was looked for
	Problem   string
}

func (e *ShapeError) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return fmt.Sprintf("%s: %s: %s (anchor: %s); mapguard does not know this runtime and builds nothing",
		e.GoVersion, where, e.Problem, e.Anchor)
}

// source is one package of the toolchain, parsed, with the edits and sites
// the patch finds in it: internal/runtime/maps (maps.go) or runtime
// (runtime.go).
type source struct {
	opt   Options
	dir   string // relative to GOROOT/src, slash-separated
	fset  *token.FileSet
	files []*srcFile
	sites []Site
}

// srcFile is one parsed file, with the edits the patch makes in it.
type srcFile struct {
	rel   string // internal/runtime/maps/map.go
	data  []byte
	ast   *ast.File
	edits []edit
}

// load parses the package in dir (relative to GOROOT/src) as built for
// opt.GOOS and opt.GOARCH, without its tests. A file named mapguard.go,
// which the patch adds, is refused.
func load(opt Options, dir string) (*source, error) {
	s := &source{opt: opt, dir: dir, fset: token.NewFileSet()}
	abs := filepath.Join(opt.GOROOT, "src", filepath.FromSlash(dir))
	ents, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("%s: reading %s: %v", opt.GoVersion, abs, err)
	}
	ctxt := build.Default
	ctxt.GOROOT = opt.GOROOT
	ctxt.GOOS, ctxt.GOARCH = opt.GOOS, opt.GOARCH
	ctxt.CgoEnabled = false
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if name == "mapguard.go" {
			return nil, s.shapeError(nil, token.NoPos, "no file named "+dir+"/mapguard.go", "the toolchain already has a file mapguard adds")
		}
		if ok, err := ctxt.MatchFile(abs, name); err != nil || !ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(abs, name))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", opt.GoVersion, err)
		}
		f, err := parser.ParseFile(s.fset, filepath.Join(abs, name), data, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", opt.GoVersion, err)
		}
		s.files = append(s.files, &srcFile{rel: dir + "/" + name, data: data, ast: f})
	}
	return s, nil
}

// shapeError reports that the source does not have the shape anchor
// describes: in file f at pos, or in f, or (f nil) in the package.
func (s *source) shapeError(f *srcFile, pos token.Pos, anchor, problem string) *ShapeError {
	e := &ShapeError{GoVersion: s.opt.GoVersion, File: s.dir, Anchor: anchor, Problem: problem}
	if f != nil {
		e.File = f.rel
		if pos.IsValid() {
			e.Line = s.fset.Position(pos).Line
		}
	}
	return e
}

// off returns the offset of p in its file.
func (s *source) off(p token.Pos) int { return s.fset.Position(p).Offset }

// edit records an edit of f: text in place of [from, to), or inserted at
// from if to is token.NoPos.
func (s *source) edit(f *srcFile, from, to token.Pos, text string) {
	e := edit{off: s.off(from), text: text}
	if to.IsValid() {
		e.end = s.off(to)
	}
	f.edits = append(f.edits, e)
}

// site records an edit of kind k at pos in f, in function fn.
func (s *source) site(f *srcFile, pos token.Pos, fn string, k Kind, note string) {
	s.sites = append(s.sites, Site{File: f.rel, Line: s.fset.Position(pos).Line, Func: fn, Kind: k, Note: note})
}

// src returns the source text of n in f.
func (f *srcFile) src(n ast.Node) string {
	return string(f.data[n.Pos()-f.ast.FileStart : n.End()-f.ast.FileStart])
}

// importsSys reports whether the file imports internal/runtime/sys as sys.
func (f *srcFile) importsSys() bool {
	for _, im := range f.ast.Imports {
		if im.Path.Value == `"internal/runtime/sys"` && (im.Name == nil || im.Name.Name == "sys") {
			return true
		}
	}
	return false
}

// types calls fn for each type declaration, in file order.
func (s *source) types(fn func(f *srcFile, ts *ast.TypeSpec) error) error {
	for _, f := range s.files {
		for _, d := range f.ast.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, sp := range gd.Specs {
					if err := fn(f, sp.(*ast.TypeSpec)); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// funcs calls fn for each function declaration with a body, in file order.
func (s *source) funcs(fn func(f *srcFile, fd *ast.FuncDecl) error) error {
	for _, f := range s.files {
		for _, d := range f.ast.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if err := fn(f, fd); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
