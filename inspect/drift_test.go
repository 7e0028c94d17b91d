//go:build gc

package inspect

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// goEnv runs `go env name` with the test's environment, so it answers for
// the toolchain running the test (GOTOOLCHAIN is inherited).
func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// runtimeSource parses the given files of a GOROOT/src directory and
// returns their struct declarations, the underlying types of their
// simple named types, and their constants.
type runtimeSource struct {
	structs map[string]*ast.StructType
	named   map[string]string // type T U, for U not a struct
	consts  map[string]constant.Value
}

func parseSource(t *testing.T, dir string, files ...string) *runtimeSource {
	t.Helper()
	src := &runtimeSource{structs: map[string]*ast.StructType{}, named: map[string]string{}, consts: map[string]constant.Value{}}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			t.Fatalf("parsing the runtime source: %v", err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			switch gd.Tok {
			case token.TYPE:
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					if st, ok := ts.Type.(*ast.StructType); ok {
						src.structs[ts.Name.Name] = st
					} else if ts.Assign == 0 {
						src.named[ts.Name.Name] = types(ts.Type)
					}
				}
			case token.CONST:
				src.evalConsts(t, gd)
			}
		}
	}
	return src
}

// evalConsts evaluates a const block: literals, iota, other constants,
// and unary, binary and shift operators, with implicit repetition.
func (src *runtimeSource) evalConsts(t *testing.T, gd *ast.GenDecl) {
	var last []ast.Expr
	for iota, spec := range gd.Specs {
		vs := spec.(*ast.ValueSpec)
		if len(vs.Values) > 0 {
			last = vs.Values
		}
		for i, name := range vs.Names {
			if i < len(last) {
				if v := src.eval(last[i], iota); v != nil {
					src.consts[name.Name] = v
				}
			}
		}
	}
}

func (src *runtimeSource) eval(e ast.Expr, iota int) constant.Value {
	switch e := e.(type) {
	case *ast.BasicLit:
		v := constant.MakeFromLiteral(e.Value, e.Kind, 0)
		if v.Kind() == constant.Unknown {
			return nil
		}
		return v
	case *ast.Ident:
		if e.Name == "iota" {
			return constant.MakeInt64(int64(iota))
		}
		return src.consts[e.Name]
	case *ast.ParenExpr:
		return src.eval(e.X, iota)
	case *ast.UnaryExpr:
		x := src.eval(e.X, iota)
		if x == nil {
			return nil
		}
		return constant.UnaryOp(e.Op, x, 0)
	case *ast.BinaryExpr:
		x, y := src.eval(e.X, iota), src.eval(e.Y, iota)
		if x == nil || y == nil {
			return nil
		}
		if e.Op == token.SHL || e.Op == token.SHR {
			s, ok := constant.Uint64Val(y)
			if !ok {
				return nil
			}
			return constant.Shift(x, e.Op, uint(s))
		}
		if x.Kind() == constant.Int && y.Kind() == constant.Int && e.Op == token.QUO {
			return constant.BinaryOp(x, token.QUO_ASSIGN, y)
		}
		return constant.BinaryOp(x, e.Op, y)
	case *ast.CallExpr: // a conversion like ctrl(0x80)
		if len(e.Args) == 1 {
			return src.eval(e.Args[0], iota)
		}
	}
	return nil
}

func types(e ast.Expr) string {
	var b strings.Builder
	writeType(&b, e)
	return b.String()
}

// writeType prints a type expression the way reflect prints types, minus
// package qualifiers the runtime source does not use.
func writeType(b *strings.Builder, e ast.Expr) {
	switch e := e.(type) {
	case *ast.Ident:
		b.WriteString(e.Name)
	case *ast.SelectorExpr:
		writeType(b, e.X)
		b.WriteString(".")
		b.WriteString(e.Sel.Name)
	case *ast.StarExpr:
		b.WriteString("*")
		writeType(b, e.X)
	case *ast.FuncType:
		b.WriteString("func(")
		for i, p := range fieldTypes(e.Params) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p)
		}
		b.WriteString(")")
		res := fieldTypes(e.Results)
		if len(res) == 1 {
			b.WriteString(" " + res[0])
		} else if len(res) > 1 {
			b.WriteString(" (" + strings.Join(res, ", ") + ")")
		}
	case *ast.ArrayType:
		b.WriteString("[")
		if e.Len != nil {
			writeType(b, e.Len)
		}
		b.WriteString("]")
		writeType(b, e.Elt)
	case *ast.BasicLit:
		b.WriteString(e.Value)
	default:
		b.WriteString("?")
	}
}

func fieldTypes(fl *ast.FieldList) []string {
	if fl == nil {
		return nil
	}
	var out []string
	for _, f := range fl.List {
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for i := 0; i < n; i++ {
			out = append(out, types(f.Type))
		}
	}
	return out
}

// runtimeFields lists a runtime struct's fields as name and type; an
// embedded field is named by its type.
func runtimeFields(st *ast.StructType) (names, typs []string) {
	for _, f := range st.Fields.List {
		ty := types(f.Type)
		if len(f.Names) == 0 {
			n := ty
			if i := strings.LastIndexByte(n, '.'); i >= 0 {
				n = n[i+1:]
			}
			names = append(names, strings.TrimPrefix(n, "*"))
			typs = append(typs, ty)
			continue
		}
		for _, n := range f.Names {
			names = append(names, n.Name)
			typs = append(typs, ty)
		}
	}
	return names, typs
}

// mirrorCheck ties one mirror to the runtime struct it mirrors.
type mirrorCheck struct {
	mirror  any    // a zero value of the mirror struct
	src     string // "maps", "abi", "reflect" or "runtime"
	name    string // the runtime struct
	renames map[string]string
}

// typeMap says which mirror type stands for which runtime type (after the
// runtime's named integer types are resolved through their declarations).
var typeMap = map[string]string{
	"*table":          "*inspect.swissTable",
	"groupsReference": "inspect.groupsReference",
	"groupReference":  "inspect.groupReference",
	"*abi.MapType":    "*inspect.mapType",
	"*Map":            "*inspect.swissMap",
	"*byte":           "*uint8",
	"*Type":           "*inspect.abiType",
	"*abi.Type":       "*inspect.abiType",
	"Type":            "inspect.abiType",
	"Value":           "inspect.reflectValue",
	"maps.Iter":       "inspect.swissIter",
	"*_type":          "*inspect.abiType",
}

// TestMirrorDrift parses the running toolchain's runtime sources and
// fails if a mirrored struct's fields (names, types, order) or a mirrored
// constant differ from the mirror. Run under GOTOOLCHAIN=go1.27.3 it
// checks the Go 1.27 mirror (TestGo127 does that from the main run).
func TestMirrorDrift(t *testing.T) {
	if v := goEnv(t, "GOVERSION"); !strings.HasPrefix(runtime.Version(), v) {
		t.Fatalf("go env GOVERSION is %s but the test runs on %s", v, runtime.Version())
	}
	goroot := goEnv(t, "GOROOT")
	t.Logf("runtime %s, GOROOT %s", runtime.Version(), goroot)
	root := filepath.Join(goroot, "src")
	srcs := map[string]*runtimeSource{
		"maps":    parseSource(t, filepath.Join(root, "internal/runtime/maps"), "map.go", "table.go", "group.go"),
		"abi":     parseSource(t, filepath.Join(root, "internal/abi"), "type.go", "map.go"),
		"reflect": parseSource(t, filepath.Join(root, "reflect"), "value.go", "map.go"),
		"runtime": parseSource(t, filepath.Join(root, "runtime"), "runtime2.go"),
	}
	checks := []mirrorCheck{
		{swissMap{}, "maps", "Map", nil},
		{swissTable{}, "maps", "table", nil},
		{groupsReference{}, "maps", "groupsReference", nil},
		{groupReference{}, "maps", "groupReference", nil},
		{swissIter{}, "maps", "Iter", nil},
		{abiType{}, "abi", "Type", nil},
		{mapType{}, "abi", "MapType", nil},
		{reflectValue{}, "reflect", "Value", nil},
		{reflectMapIter{}, "reflect", "MapIter", nil},
		{eface{}, "runtime", "eface", map[string]string{"_type": "typ"}},
	}
	for _, c := range checks {
		src := srcs[c.src]
		st := src.structs[c.name]
		if st == nil {
			t.Errorf("%s.%s: not found in the runtime source", c.src, c.name)
			continue
		}
		names, typs := runtimeFields(st)
		mt := reflect.TypeOf(c.mirror)
		if mt.NumField() != len(names) {
			t.Errorf("%s.%s has %d fields %v; mirror %s has %d", c.src, c.name, len(names), names, mt.Name(), mt.NumField())
			continue
		}
		for i := range names {
			f := mt.Field(i)
			want := names[i]
			if r, ok := c.renames[want]; ok {
				want = r
			}
			if f.Name != want {
				t.Errorf("%s.%s field %d is %s; mirror %s has %s", c.src, c.name, i, names[i], mt.Name(), f.Name)
			}
			rt := typs[i]
			if u, ok := src.named[rt]; ok { // TFlag -> uint8, flag -> uintptr, ...
				rt = u
			}
			if m, ok := typeMap[rt]; ok {
				rt = m
			}
			if got := f.Type.String(); got != rt {
				t.Errorf("%s.%s.%s is %s (mirror type %s); mirror %s.%s is %s", c.src, c.name, names[i], typs[i], rt, mt.Name(), f.Name, got)
			}
		}
	}

	consts := []struct {
		src, name string
		mirror    int64
	}{
		{"abi", "MapGroupSlots", groupSlots},
		{"abi", "MapMaxKeyBytes", maxKeyBytes},
		{"abi", "MapMaxElemBytes", maxElemBytes},
		{"abi", "MapIndirectKey", flagIndirectKey},
		{"abi", "MapIndirectElem", flagIndirectElem},
		{"abi", "Map", kindMap},
		{"maps", "maxTableCapacity", maxTableCapacity},
		{"maps", "maxAvgGroupLoad", maxAvgGroupLoad},
		{"maps", "ctrlEmpty", int64(CtrlEmpty)},
		{"maps", "ctrlDeleted", int64(CtrlDeleted)},
	}
	for _, c := range consts {
		v, ok := srcs[c.src].consts[c.name]
		if !ok {
			t.Errorf("%s.%s: constant not found in the runtime source", c.src, c.name)
			continue
		}
		if got, ok := constant.Int64Val(v); !ok || got != c.mirror {
			t.Errorf("%s.%s = %s; the mirror uses %d", c.src, c.name, v, c.mirror)
		}
	}
}
