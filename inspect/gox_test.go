//go:build gc

package inspect

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/internal/testenv"
)

// The gccgo mirrors (mirror_gccgo.go) are checked against the export data
// of the installed libgo: runtime.gox and reflect.gox carry every type of
// those packages, unexported ones included, with their fields in order.
// Both sides are reduced to layout shapes (pointer-like types become
// "ptr", named structs are expanded), so a field added, removed, moved or
// resized fails the test.

// goxDir finds the directory of the standard library's .gox files.
func goxDir(t *testing.T, gccgo string) string {
	t.Helper()
	run := func(arg string) string {
		out, err := exec.Command(gccgo, arg).Output()
		if err != nil {
			t.Fatalf("%s %s: %v", gccgo, arg, err)
		}
		return strings.TrimSpace(string(out))
	}
	ver, mach := run("-dumpversion"), run("-dumpmachine")
	for _, lib := range []string{"/usr/lib/" + mach, "/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/local/lib64"} {
		dir := filepath.Join(lib, "go", ver, mach)
		if _, err := os.Stat(filepath.Join(dir, "runtime.gox")); err == nil {
			return dir
		}
	}
	t.Fatalf("gccgo %s (%s) is installed but its runtime.gox was not found", ver, mach)
	return ""
}

// goxTypes holds the "type N ..." lines of one package's export data.
type goxTypes struct {
	defs map[int]string
	name map[string]int // ".runtime.hmap" -> N
}

func readGox(t *testing.T, path string) *goxTypes {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	sec := f.Section(".go_export")
	if sec == nil {
		t.Fatalf("%s: no .go_export section", path)
	}
	data, err := sec.Data()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	g := &goxTypes{defs: map[int]string{}, name: map[string]int{}}
	named := regexp.MustCompile(`^"([^"]+)" `)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "type ") {
			continue
		}
		rest := line[len("type "):]
		sp := strings.IndexByte(rest, ' ')
		if sp < 0 {
			continue
		}
		n, err := strconv.Atoi(rest[:sp])
		if err != nil {
			continue
		}
		def := rest[sp+1:]
		g.defs[n] = def
		if m := named.FindStringSubmatch(def); m != nil {
			g.name[m[1]] = n
		}
	}
	if len(g.defs) == 0 {
		t.Fatalf("%s: no type definitions in the export data", path)
	}
	return g
}

var goxBuiltin = map[int]string{
	-1: "int8", -2: "int16", -3: "int32", -4: "int64",
	-5: "uint8", -6: "uint16", -7: "uint32", -8: "uint64",
	-11: "int", -12: "uint", -13: "uintptr", -15: "bool", -16: "string", -20: "uint8",
}

var goxRef = regexp.MustCompile(`^<type (-?\d+)>`)

// shape reduces type n to its layout shape.
func (g *goxTypes) shape(n int, depth int) (string, error) {
	if s, ok := goxBuiltin[n]; ok {
		return s, nil
	}
	if n < 0 {
		return "", fmt.Errorf("builtin type %d not handled", n)
	}
	if depth > 8 {
		return "", fmt.Errorf("type %d nests too deep", n)
	}
	def, ok := g.defs[n]
	if !ok {
		return "", fmt.Errorf("type %d not defined", n)
	}
	switch {
	case strings.HasPrefix(def, `"unsafe.Pointer"`):
		return "ptr", nil
	case strings.HasPrefix(def, `"`):
		i := strings.Index(def, "<type ")
		m := goxRef.FindStringSubmatch(def[i:])
		if i < 0 || m == nil {
			return "", fmt.Errorf("named type %d: cannot parse %q", n, def)
		}
		u, _ := strconv.Atoi(m[1])
		return g.shape(u, depth+1)
	case strings.HasPrefix(def, "*"), strings.HasPrefix(def, "("), strings.HasPrefix(def, "map "), strings.HasPrefix(def, "chan "):
		return "ptr", nil
	case strings.HasPrefix(def, "[] "):
		return "slice", nil
	case strings.HasPrefix(def, "["):
		j := strings.Index(def, "]")
		m := goxRef.FindStringSubmatch(strings.TrimSpace(def[j+1:]))
		if j < 0 || m == nil {
			return "", fmt.Errorf("array type %d: cannot parse %q", n, def)
		}
		e, _ := strconv.Atoi(m[1])
		es, err := g.shape(e, depth+1)
		if err != nil {
			return "", err
		}
		return "[" + strings.TrimSpace(def[1:j]) + "]" + es, nil
	case strings.HasPrefix(def, "struct {"):
		fields, err := g.fields(def, depth)
		if err != nil {
			return "", err
		}
		var parts []string
		for _, f := range fields {
			parts = append(parts, f[1])
		}
		return "struct{" + strings.Join(parts, ";") + "}", nil
	}
	return "", fmt.Errorf("type %d: cannot parse %q", n, def)
}

// fields lists a struct definition's fields as (name, shape); an
// embedded field is named "?".
func (g *goxTypes) fields(def string, depth int) ([][2]string, error) {
	body := strings.TrimSuffix(strings.TrimPrefix(def, "struct {"), "}")
	var out [][2]string
	for _, f := range strings.Split(body, ";") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		sp := strings.IndexByte(f, ' ')
		if sp < 0 {
			return nil, fmt.Errorf("field %q", f)
		}
		name := f[:sp]
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		m := goxRef.FindStringSubmatch(f[sp+1:])
		if m == nil {
			return nil, fmt.Errorf("field %q", f)
		}
		n, _ := strconv.Atoi(m[1])
		s, err := g.shape(n, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, [2]string{name, s})
	}
	return out, nil
}

func (g *goxTypes) structFields(t *testing.T, name string) [][2]string {
	t.Helper()
	n, ok := g.name[name]
	if !ok {
		t.Fatalf("%s not in the export data", name)
	}
	m := goxRef.FindStringSubmatch(strings.TrimSpace(g.defs[n][len(name)+2:]))
	if m == nil {
		t.Fatalf("%s: cannot parse %q", name, g.defs[n])
	}
	u, _ := strconv.Atoi(m[1])
	fs, err := g.fields(g.defs[u], 0)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return fs
}

// mirrorShapes parses mirror_gccgo.go and reduces its structs the same way.
type mirrorFile map[string]*ast.StructType

func (mf mirrorFile) shape(e ast.Expr, depth int) string {
	switch e := e.(type) {
	case *ast.Ident:
		if st, ok := mf[e.Name]; ok && depth < 8 {
			var parts []string
			for _, f := range mf.fields(st, depth) {
				parts = append(parts, f[1])
			}
			return "struct{" + strings.Join(parts, ";") + "}"
		}
		if e.Name == "byte" {
			return "uint8"
		}
		return e.Name
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && x.Name == "unsafe" && e.Sel.Name == "Pointer" {
			return "ptr"
		}
	case *ast.StarExpr, *ast.FuncType, *ast.MapType, *ast.ChanType:
		return "ptr"
	case *ast.ArrayType:
		if e.Len == nil {
			return "slice"
		}
		return "[" + types(e.Len) + "]" + mf.shape(e.Elt, depth+1)
	}
	return "?"
}

func (mf mirrorFile) fields(st *ast.StructType, depth int) [][2]string {
	var out [][2]string
	for _, f := range st.Fields.List {
		s := mf.shape(f.Type, depth+1)
		for _, n := range f.Names {
			out = append(out, [2]string{n.Name, s})
		}
		if len(f.Names) == 0 {
			out = append(out, [2]string{"?", s})
		}
	}
	return out
}

// TestGccgoMirrorDrift compares mirror_gccgo.go with the installed libgo.
func TestGccgoMirrorDrift(t *testing.T) {
	dir := goxDir(t, testenv.Gccgo(t))
	rt := readGox(t, filepath.Join(dir, "runtime.gox"))
	rf := readGox(t, filepath.Join(dir, "reflect.gox"))

	f, err := parser.ParseFile(token.NewFileSet(), "mirror_gccgo.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	mf := mirrorFile{}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				if st, ok := ts.Type.(*ast.StructType); ok {
					mf[ts.Name.Name] = st
				}
			}
		}
	}
	checks := []struct {
		gox    *goxTypes
		name   string
		mirror string
	}{
		{rt, ".runtime.hmap", "hmap"},
		{rt, ".runtime.mapextra", "mapextra"},
		{rt, ".runtime.hiter", "hiter"},
		{rt, ".runtime._type", "gotype"},
		{rt, ".runtime.maptype", "maptype"},
		{rt, ".runtime.eface", "eface"},
		{rf, "Value", "reflectValue"},
		{rf, "MapIter", "reflectMapIter"},
		{rf, ".reflect.hiter", "hiter"}, // reflect's copy must match the runtime's
	}
	for _, c := range checks {
		want := c.gox.structFields(t, c.name)
		st, ok := mf[c.mirror]
		if !ok {
			t.Errorf("mirror %s not found in mirror_gccgo.go", c.mirror)
			continue
		}
		got := mf.fields(st, 0)
		if len(got) != len(want) {
			t.Errorf("%s has %d fields %v; mirror %s has %d %v", c.name, len(want), want, c.mirror, len(got), got)
			continue
		}
		for i := range want {
			nameOK := want[i][0] == got[i][0] || want[i][0] == "?" ||
				c.mirror == "eface" && want[i][0] == "_type" && got[i][0] == "typ"
			if !nameOK || want[i][1] != got[i][1] {
				t.Errorf("%s field %d is %s %s; mirror %s has %s %s", c.name, i, want[i][0], want[i][1], c.mirror, got[i][0], got[i][1])
			}
		}
	}
}
