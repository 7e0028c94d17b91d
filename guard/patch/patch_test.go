package patch

import (
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/guard/toolchain"
	"github.com/mapsafe/mapsafe/internal/testenv"
)

// goroot returns GOROOT and GOVERSION of the go command, with env added.
func goroot(t *testing.T, env ...string) (string, string) {
	t.Helper()
	cmd := exec.Command("go", "env", "GOROOT", "GOVERSION")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		t.Fatalf("go env printed %q", out)
	}
	return f[0], f[1]
}

func TestGenerateInstalled(t *testing.T) {
	root, version := goroot(t)
	checkGenerated(t, root, version)
}

func TestGenerateGo127(t *testing.T) {
	env := testenv.GoToolchain(t, "go1.27.3")
	root, version := goroot(t, env)
	checkGenerated(t, root, version)
}

// checkGenerated generates both modes and checks what must hold for any
// toolchain mapguard accepts.
func checkGenerated(t *testing.T, root, version string) {
	for _, strict := range []bool{false, true} {
		res, err := Generate(Options{Toolchain: toolchain.Toolchain{GOROOT: root, GoVersion: version, GOOS: runtime.GOOS, GOARCH: "amd64"}, Strict: strict})
		if err != nil {
			t.Fatalf("%s strict=%v: %v", version, strict, err)
		}
		kinds := map[Kind]int{}
		begins := map[string]int{}
		msgs := map[string]bool{}
		for _, s := range res.Sites {
			kinds[s.Kind]++
			if s.Kind == WriteBegin {
				begins[s.Func]++
			}
			if s.Kind == Fatal {
				msgs[s.Note] = true
			}
		}
		for _, e := range writeEntries {
			if begins[e] != 1 {
				t.Errorf("%s: %s has %d write starts, want 1", version, e, begins[e])
			}
		}
		for _, m := range []string{msgWrites, msgReadWrite, msgIterWrite, msgClone} {
			if !msgs[m] {
				t.Errorf("%s: no fatal site says %q", version, m)
			}
		}
		// Delete and Clear renamed; the three fast delete wrappers in
		// maps and mapdelete and mapclear in the runtime pass their
		// caller down; g gets its field, newproc1 zeroes it, and the five
		// reflect wrappers record their callers.
		if kinds[Wrapped] != 2 || kinds[WrapperCall] != 5 || kinds[GField] != 1 || kinds[GReset] != 1 ||
			kinds[ReflectCallers] != len(reflectWrappers) {
			t.Errorf("%s: runtime sites %v", version, kinds)
		}
		// Every stackfree of a goroutine's stack forgets the records of
		// maps on it: copystack, gfput, gfget, markrootFreeGStacks, and
		// the g0 and gsignal stacks of an exiting m.
		freeFuncs := map[string]bool{}
		for _, s := range res.Sites {
			if s.Kind == StackFree {
				freeFuncs[s.Func] = true
			}
		}
		for _, fn := range append([]string{"gfget"}, stackFreers...) {
			if !freeFuncs[fn] {
				t.Errorf("%s: no stack-free site in %s (sites in %v)", version, fn, freeFuncs)
			}
		}
		if kinds[WriteEnd] < len(writeEntries) || kinds[IterLookup] == 0 {
			t.Errorf("%s: sites %v", version, kinds)
		}
		if strict != (kinds[StrictInit] == 1 && kinds[StrictNext] == 1) {
			t.Errorf("%s strict=%v: strict hooks %v", version, strict, kinds)
		}

		fset := token.NewFileSet()
		for _, f := range res.Files {
			// Every file parses, and a patched file keeps every
			// line of the original where it was.
			if _, err := parser.ParseFile(fset, f.Path, f.Data, 0); err != nil {
				t.Errorf("%s: %s does not parse: %v", version, f.Path, err)
				continue
			}
			if f.New {
				continue
			}
			orig, err := os.ReadFile(filepath.Join(root, "src", filepath.FromSlash(f.Path)))
			if err != nil {
				t.Fatal(err)
			}
			got := bytes.Split(f.Data, []byte("\n"))
			want := bytes.Split(orig, []byte("\n"))
			if len(got) < len(want) {
				t.Fatalf("%s: %s lost lines", version, f.Path)
			}
			for i, w := range want {
				if !bytes.Equal(got[i], w) && !bytes.Contains(bytes.ToLower(got[i]), []byte("guard")) && !bytes.Contains(got[i], []byte("getWithKeyIter")) {
					t.Errorf("%s: %s:%d changed by no mapguard edit:\n got %s\nwant %s", version, f.Path, i+1, got[i], w)
				}
			}
		}
		paths := map[string]bool{}
		for _, f := range res.Files {
			paths[f.Path] = true
		}
		for _, p := range []string{"runtime/mapguard.go", mapsDir + "/mapguard.go", mapsDir + "/map.go", mapsDir + "/table.go",
			"runtime/runtime2.go", "runtime/proc.go", "runtime/map.go", "runtime/stack.go", "runtime/mgcmark.go"} {
			if !paths[p] {
				t.Errorf("%s: overlay has no %s", version, p)
			}
		}
	}
}

// fakeGOROOT makes a GOROOT whose src/runtime and src/internal/runtime/maps
// hold symbolic links to the real files, except the mutated ones.
func fakeGOROOT(t *testing.T, real string, mutate map[string]func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"runtime", mapsDir} {
		src := filepath.Join(real, "src", filepath.FromSlash(d))
		dst := filepath.Join(dir, "src", filepath.FromSlash(d))
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		ents, err := os.ReadDir(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			rel := d + "/" + e.Name()
			if fn, ok := mutate[rel]; ok {
				data, err := os.ReadFile(filepath.Join(src, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				changed := fn(string(data))
				if changed == string(data) {
					t.Fatalf("mutation of %s changed nothing", rel)
				}
				if err := os.WriteFile(filepath.Join(dst, e.Name()), []byte(changed), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// TestRefusal changes one anchor at a time in a copy of the installed
// source; each must be refused with an error naming the version and the
// anchor. (A changed function name or signature is enough: Generate does
// not type-check.)
func TestRefusal(t *testing.T) {
	real, _ := goroot(t)
	replace := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	for _, tc := range []struct {
		name, file string
		mutate     func(string) string
		want       string // in the error
	}{
		{"entry point renamed", mapsDir + "/runtime_fast64.go",
			replace("func runtime_mapassign_fast64(", "func runtime_mapassign_fast64_renamed("),
			"runtime_mapassign_fast64: m.writing ^= 1"},
		{"write flag set, not toggled", mapsDir + "/map.go",
			replace("m.writing ^= 1 // toggle", "m.writing = 1 // toggle"),
			"anchor: X.writing ^= 1"},
		{"writing field retyped", mapsDir + "/map.go",
			replace("\twriting uint8\n", "\twriting uint16\n"),
			"... writing uint8 ..."},
		{"GC count retyped", "runtime/mstats.go",
			replace("\tnumgc           uint32\n", "\tnumgc           uint64\n"),
			"field mstats.numgc uint32"},
		{"iteration message changed", mapsDir + "/table.go",
			replace(`fatal("concurrent map iteration and map write")`, `fatal("concurrent map iteration and map writing")`),
			`unknown fatal message`},
		{"goroutineheader signature", "runtime/traceback.go",
			replace("func goroutineheader(gp *g) {", "func goroutineheader(gp *g, extra int) {"),
			"goroutineheader func(*g)"},
		{"stop-the-world reason gone", "runtime/proc.go",
			replace("stwAllGoroutinesStack ", "stwAllGoroutinesStackRenamed "),
			"const stwAllGoroutinesStack"},
		{"name clash", "runtime/proc.go",
			replace("\nfunc forEachG(", "\nfunc mapguardHelper() {}\n\nfunc forEachG("),
			"the runtime already declares mapguardHelper"},
		{"new goroutine's id set elsewhere", "runtime/proc.go",
			replace("\tnewg.goid = pp.goidcache\n", "\tsetGoid(newg, pp.goidcache)\n"),
			"newproc1: newg.goid = ..."},
		{"reflect wrapper gone", "runtime/map.go",
			replace("func reflect_mapclear(", "func reflect_mapclear_renamed("),
			"func reflect_mapclear(...)"},
		{"mapdelete calls Delete twice", "runtime/map.go",
			replace("\tm.Delete(t, key)\n", "\tm.Delete(t, key)\n\tm.Delete(t, key)\n"),
			"mapdelete: m.Delete(...) once"},
		{"copystack frees a stack it computes", "runtime/stack.go",
			replace("\tstackfree(old)\n", "\tstackfree(oldStack(gp))\n"),
			"copystack frees a stack that mapguard cannot tie to a goroutine"},
		{"copystack frees no stack", "runtime/stack.go",
			replace("\tstackfree(old)\n", "\tstackfreeLater(old)\n"),
			"copystack frees no stack"},
		{"no room in the map header for the stamp", mapsDir + "/map.go",
			replace("\tglobalDepth uint8\n", "\tglobalDepth uint32\n"),
			"Map has no room after tombstonePossible"},
		{"goto in a write entry point", mapsDir + "/runtime_fast64.go",
			replace("func runtime_mapassign_fast64(typ *abi.MapType, m *Map, key uint64) unsafe.Pointer {\n",
				"func runtime_mapassign_fast64(typ *abi.MapType, m *Map, key uint64) unsafe.Pointer {\n\tgoto start\nstart:\n"),
			"a goto could jump over the variable mapguard declares"},
		{"guardW taken", mapsDir + "/runtime_fast64.go",
			replace("func runtime_mapassign_fast64(typ *abi.MapType, m *Map, key uint64) unsafe.Pointer {\n",
				"func runtime_mapassign_fast64(typ *abi.MapType, m *Map, key uint64) unsafe.Pointer {\n\tguardW := 0\n\t_ = guardW\n"),
			"runtime_mapassign_fast64 already uses the name mapguard declares"},
		{"Clear takes another parameter", mapsDir + "/map.go",
			replace("func (m *Map) Clear(typ *abi.MapType) {", "func (m *Map) Clear(typ *abi.MapType, hint int) {"),
			"func (m *Map) Clear with 1 parameter(s)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := fakeGOROOT(t, real, map[string]func(string) string{tc.file: tc.mutate})
			res, err := Generate(Options{Toolchain: toolchain.Toolchain{GOROOT: root, GoVersion: "go1.99-test", GOOS: runtime.GOOS, GOARCH: "amd64"}})
			if err == nil {
				t.Fatalf("generated %d files from a changed runtime", len(res.Files))
			}
			var se *ShapeError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *ShapeError", err)
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.HasPrefix(msg, "go1.99-test: ") || !strings.Contains(msg, tc.want) || !strings.Contains(msg, "builds nothing") {
				t.Errorf("error %q does not name the version and %q", msg, tc.want)
			}
		})
	}
}

func TestRefuseArch(t *testing.T) {
	real, _ := goroot(t)
	_, err := Generate(Options{Toolchain: toolchain.Toolchain{GOROOT: real, GoVersion: "go1.99-test", GOOS: "linux", GOARCH: "386"}})
	if err == nil || !strings.Contains(err.Error(), "GOARCH=386 is not supported") {
		t.Fatalf("GOARCH=386: %v", err)
	}
	_, err = Generate(Options{Toolchain: toolchain.Toolchain{GOROOT: t.TempDir(), GoVersion: "go1.99-test", GOOS: "linux", GOARCH: "amd64"}})
	if err == nil || !strings.Contains(err.Error(), "has no runtime source") {
		t.Fatalf("empty GOROOT: %v", err)
	}
}

// TestAnchorsCoverTemplate fails when inject/runtime_mapguard.go uses a
// runtime name that anchors.go does not check (or anchors.go checks a name
// the template no longer uses).
func TestAnchorsCoverTemplate(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "runtime_mapguard.go", runtimeTemplate, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			declared[d.Name.Name] = true
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					declared[sp.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						declared[n.Name] = true
					}
				}
			}
		}
	}
	anchored := map[string]bool{}
	for k := range runtimeFuncs {
		if i := strings.LastIndex(k, "."); i >= 0 {
			k = k[i+1:] // methods: the name after the receiver
		}
		anchored[k] = true
	}
	owners := map[string]bool{} // struct types and vars whose fields are checked
	for k := range runtimeFields {
		anchored[k[strings.Index(k, ".")+1:]] = true
		anchored[k[:strings.Index(k, ".")]] = true
		owners[k[:strings.Index(k, ".")]] = true
	}
	for k := range runtimeTypes {
		anchored[k] = true
	}
	for k := range runtimeVars {
		anchored[k] = true
	}
	for _, k := range runtimeConsts {
		anchored[k] = true
	}
	builtin := map[string]bool{"runtime": true, "print": true, "len": true, "uintptr": true, "uint64": true, "uint32": true,
		"int32": true, "int": true, "string": true, "bool": true, "byte": true, "true": true, "false": true,
		"nil": true, "unsafe": true, "goarch": true, "Pointer": true, "PtrSize": true, "Load": true,
		"Offsetof": true, "Add": true, "copy": true, "min": true,
		"abi": true, "FuncIDWrapper": true}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			switch fn := n.Fun.(type) {
			case *ast.Ident:
				used[fn.Name] = true
			case *ast.SelectorExpr:
				used[fn.Sel.Name] = true
			}
		case *ast.SelectorExpr:
			used[n.Sel.Name] = true
		case *ast.Ident:
			if n.Obj == nil && !declared[n.Name] {
				used[n.Name] = true
			}
		}
		return true
	})
	// Names declared in the template (fields, locals) are its own.
	local := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					local[id.Name] = true
				}
			}
		}
		return true
	})
	// The field the patch adds to g.
	added := map[string]bool{"mapguard": true}
	for name := range used {
		if declared[name] || local[name] || builtin[name] || anchored[name] || added[name] || name == "_" {
			continue
		}
		t.Errorf("the runtime template uses %s, which anchors.go does not check", name)
	}
	for name := range anchored {
		if !used[name] && !strings.HasPrefix(name, "(") && !owners[name] {
			t.Errorf("anchors.go checks %s, which the runtime template does not use", name)
		}
	}
}

// TestRecordMirror fails if the maps half's guardRec is not the head of the
// runtime half's record: the maps code increments the first word of the
// record the runtime returns.
func TestRecordMirror(t *testing.T) {
	fields := func(src []byte, typ string) []string {
		f, err := parser.ParseFile(token.NewFileSet(), typ, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == typ {
				for _, fl := range ts.Type.(*ast.StructType).Fields.List {
					if len(fl.Names) == 0 {
						out = append(out, "embedded "+exprString(fl.Type))
					}
					for _, n := range fl.Names {
						out = append(out, n.Name+" "+exprString(fl.Type))
					}
				}
			}
			return true
		})
		if len(out) == 0 {
			t.Fatalf("no struct %s in the template", typ)
		}
		return out
	}
	maps := fields(mapsTemplate, "guardRec")
	rec := fields(runtimeTemplate, "mapguardRec")
	write := fields(runtimeTemplate, "mapguardWrite")
	if strings.Join(maps, "; ") != "n uintptr" || rec[0] != "embedded mapguardWrite" || write[0] != "n uintptr" {
		t.Errorf("maps guardRec {%s} is not the head of runtime mapguardRec {%s} {%s}",
			strings.Join(maps, "; "), strings.Join(rec, "; "), strings.Join(write, "; "))
	}
}
