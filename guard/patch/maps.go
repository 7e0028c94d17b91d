package patch

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"
)

// The edits in internal/runtime/maps, by the source shape each one matches:
//
//	write start   X.writing ^= 1            (not preceded by the check below;
//	                                         at the top of the function body)
//	              -> guardW := X.guardWriteBegin(sys.GetCallerPC(), sys.GetCallerSP()); X.writing ^= 1
//	              (X.guardWriteBegin(guardPC, guardSP) in Delete and Clear,
//	              renamed: wrapped.go)
//	write end     if X.writing == 0 { fatal(...) }; X.writing ^= 1
//	              -> ...; X.writing ^= 1; X.guardWriteEnd(guardW)
//	fatal site    fatal("...concurrent map...") inside if X.writing != 0 / == 0
//	              (or, for "small map with no empty slot", in a *Map method)
//	              -> X.guardReportFatal("...")
//	iteration     it.m.getWithKey(...) in (*Iter) methods
//	              -> it.m.getWithKeyIter(...), whose fatal says "iteration"
//	strict only   end of (*Iter).Init: m.guardIterStart();
//	              after if it.m.writing != 0 {...} in (*Iter).Next: it.m.guardIterStep()
//
// Besides, the write start stamps the map header's padding after
// tombstonePossible (inject/maps_mapguard.go), which the inventory checks
// is there.

const mapsDir = "internal/runtime/maps"

// writeEntries are the functions of internal/runtime/maps that start a
// write (set Map.writing), each exactly once. Every map write reaches one of
// them: the compiler calls the mapassign variants directly, runtime.mapdelete
// and mapdelete_fast* call Delete, runtime.mapclear calls Clear, and reflect
// reaches these through runtime.reflect_mapassign*, reflect_mapdelete* and
// reflect_mapclear.
var writeEntries = []string{
	"runtime_mapassign",
	"runtime_mapassign_fast32",
	"runtime_mapassign_fast32ptr",
	"runtime_mapassign_fast64",
	"runtime_mapassign_fast64ptr",
	"runtime_mapassign_faststr",
	"(*Map).PutSlot",
	"(*Map).Delete",
	"(*Map).Clear",
}

// Messages of the fatal sites mapguard knows.
const (
	msgWrites    = "concurrent map writes"
	msgReadWrite = "concurrent map read and map write"
	msgIterWrite = "concurrent map iteration and map write"
	msgClone     = "concurrent map clone and map write"
	msgSmallFull = "small map with no empty slot (concurrent map writes?)"
)

// guardVar holds the record of a write between its start and its end.
const guardVar = "guardW"

// mapsPkg is internal/runtime/maps with the patch's edits, and what the
// scan found in it for the inventory to check.
type mapsPkg struct {
	*source
	found mapsFound

	clone     string                // source of getWithKeyIter
	cloneFile *srcFile              // appended to the file of getWithKey, for its imports
	stock     map[*srcFile][]string // Delete and Clear under their stock names, appended
}

// mapsFound is what the scan noted, function by function.
type mapsFound struct {
	mapFields   []field             // type Map struct, in order
	begins      map[string]int      // write starts by function
	ends        map[string]int      // write ends by function
	fatals      map[string][]string // fatal messages by function
	renamed     map[string]int      // wrapped entry points renamed
	iterLookups int
	getWithKey  *ast.FuncDecl
	getWithKeyF *srcFile
}

type field struct{ name, typ string }

func loadMaps(opt Options) (*mapsPkg, error) {
	s, err := load(opt, mapsDir)
	if err != nil {
		return nil, err
	}
	return &mapsPkg{source: s, stock: map[*srcFile][]string{}, found: mapsFound{
		begins: map[string]int{}, ends: map[string]int{}, fatals: map[string][]string{}, renamed: map[string]int{},
	}}, nil
}

// scan makes the edits in every function and notes what it finds.
func (mp *mapsPkg) scan() error {
	mp.types(func(f *srcFile, ts *ast.TypeSpec) error {
		if st, ok := ts.Type.(*ast.StructType); ok && ts.Name.Name == "Map" {
			for _, fl := range st.Fields.List {
				for _, n := range fl.Names {
					mp.found.mapFields = append(mp.found.mapFields, field{n.Name, exprString(fl.Type)})
				}
			}
		}
		return nil
	})
	return mp.funcs(func(f *srcFile, fd *ast.FuncDecl) error {
		if strings.HasPrefix(fd.Name.Name, "guard") {
			return mp.shapeError(f, fd.Pos(), "no function named guard*", "the toolchain already declares "+fd.Name.Name)
		}
		key := funcKey(fd)
		if key == "(*Map).getWithKey" {
			mp.found.getWithKey, mp.found.getWithKeyF = fd, f
		}
		if err := mp.findWrites(f, fd, key); err != nil {
			return err
		}
		if err := mp.findWrapped(f, fd, key); err != nil {
			return err
		}
		if err := mp.findFatals(f, fd, key); err != nil {
			return err
		}
		if strings.HasPrefix(key, "(*Iter).") {
			mp.found.iterLookups += mp.findIterLookups(f, fd, key)
		}
		if mp.opt.Strict {
			return mp.findStrict(f, fd, key)
		}
		return nil
	})
}

// inventory checks what the scan found against what the patch needs of the
// whole package: every write entry point starts and ends a write, every
// fatal site the report relies on is there, the Map header has the fields
// and the padding the patch uses. Then it clones getWithKey for the
// iterator.
func (mp *mapsPkg) inventory() error {
	if err := mp.checkMapHeader(); err != nil {
		return err
	}
	for _, e := range writeEntries {
		switch n := mp.found.begins[e]; {
		case n == 0:
			return mp.shapeError(nil, token.NoPos, e+": m.writing ^= 1", "write entry point "+e+" has no write start (or does not exist)")
		case n > 1:
			return mp.shapeError(nil, token.NoPos, e+": m.writing ^= 1", fmt.Sprintf("write entry point %s starts a write %d times", e, n))
		}
		if mp.found.ends[e] == 0 {
			return mp.shapeError(nil, token.NoPos, e+": if m.writing == 0 { fatal(...) }; m.writing ^= 1", "write entry point "+e+" has no write end")
		}
	}
	for fn := range mp.found.ends {
		if !slices.Contains(writeEntries, fn) {
			return mp.shapeError(nil, token.NoPos, "write end only in known write entry points", fn+" ends a write it does not start")
		}
	}
	if err := mp.checkWrapped(); err != nil {
		return err
	}
	for _, n := range []struct{ fn, msg string }{
		{"(*Iter).Next", msgIterWrite},
		{"(*Map).Clone", msgClone},
		{"(*Map).getWithKey", msgReadWrite},
		{"runtime_mapassign", msgWrites},
		{"runtime_mapaccess2", msgReadWrite},
	} {
		if !slices.Contains(mp.found.fatals[n.fn], n.msg) {
			return mp.shapeError(nil, token.NoPos, n.fn+`: fatal("`+n.msg+`")`, "fatal site not found")
		}
	}
	if mp.found.getWithKey == nil || len(mp.found.fatals["(*Map).getWithKey"]) != 1 {
		return mp.shapeError(nil, token.NoPos, `(*Map).getWithKey with one fatal("`+msgReadWrite+`")`, "the lookup the iterator uses after growth is not as expected")
	}
	if mp.found.iterLookups == 0 {
		return mp.shapeError(nil, token.NoPos, "it.m.getWithKey(...) in (*Iter) methods", "the iterator does not look keys up after growth the way mapguard expects")
	}
	mp.clone, mp.cloneFile = mp.cloneGetWithKey(mp.found.getWithKeyF, mp.found.getWithKey), mp.found.getWithKeyF
	return nil
}

// mapHeaderSizes are the sizes on amd64 and arm64 of the types a Map
// header's fields have.
var mapHeaderSizes = map[string]int{"uint64": 8, "uintptr": 8, "unsafe.Pointer": 8, "int": 8, "uint32": 4, "uint8": 1, "bool": 1}

// checkMapHeader checks Map.writing, and that the header has four bytes of
// padding between tombstonePossible and clearSeq for the write start's
// stamp, laying the fields out as the compiler does on amd64 and arm64
// (the maps half also fails to compile without them).
func (mp *mapsPkg) checkMapHeader() error {
	fields := mp.found.mapFields
	if i := slices.IndexFunc(fields, func(f field) bool { return f.name == "writing" }); i < 0 || fields[i].typ != "uint8" {
		typ := ""
		if i >= 0 {
			typ = fields[i].typ
		}
		return mp.shapeError(nil, token.NoPos, "type Map struct { ... writing uint8 ... }", fmt.Sprintf("Map.writing is %q", typ))
	}
	const anchor = "type Map struct { ... tombstonePossible bool; clearSeq uint64 ... } with 4 bytes of padding between"
	off := 0
	stampAt := -1
	for _, f := range fields {
		size, ok := mapHeaderSizes[f.typ]
		if !ok {
			return mp.shapeError(nil, token.NoPos, anchor, fmt.Sprintf("Map.%s has type %s, whose size mapguard does not know", f.name, f.typ))
		}
		off = (off + size - 1) / size * size // aligned to its size
		if stampAt >= 0 {
			switch {
			case f.name != "clearSeq":
				return mp.shapeError(nil, token.NoPos, anchor, "Map.tombstonePossible is followed by "+f.name)
			case off < stampAt+4:
				return mp.shapeError(nil, token.NoPos, anchor, "Map has no room after tombstonePossible")
			}
			return nil
		}
		off += size
		if f.name == "tombstonePossible" && f.typ == "bool" {
			stampAt = (off + 3) &^ 3
		}
	}
	return mp.shapeError(nil, token.NoPos, anchor, "Map has no field tombstonePossible bool followed by another")
}

// writingToggle matches X.writing ^= 1 and returns X's source.
func writingToggle(f *srcFile, s ast.Stmt) (string, bool) {
	as, ok := s.(*ast.AssignStmt)
	if !ok || as.Tok != token.XOR_ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return "", false
	}
	sel, ok := as.Lhs[0].(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "writing" {
		return "", false
	}
	if lit, ok := as.Rhs[0].(*ast.BasicLit); !ok || lit.Value != "1" {
		return "", false
	}
	return f.src(sel.X), true
}

// writingCheck matches `if X.writing OP 0 { fatal(...) ... }` and returns X's
// source and OP.
func writingCheck(f *srcFile, s ast.Stmt) (x string, op token.Token, ok bool) {
	is, ok := s.(*ast.IfStmt)
	if !ok || is.Init != nil {
		return "", 0, false
	}
	be, ok := is.Cond.(*ast.BinaryExpr)
	if !ok || (be.Op != token.EQL && be.Op != token.NEQ) {
		return "", 0, false
	}
	sel, ok := be.X.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "writing" {
		return "", 0, false
	}
	if lit, ok := be.Y.(*ast.BasicLit); !ok || lit.Value != "0" {
		return "", 0, false
	}
	return f.src(sel.X), be.Op, true
}

// findWrites places the write starts and ends in fd.
func (mp *mapsPkg) findWrites(f *srcFile, fd *ast.FuncDecl, key string) error {
	var gotoPos, clashPos token.Pos
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BranchStmt:
			if n.Tok == token.GOTO && !gotoPos.IsValid() {
				gotoPos = n.Pos()
			}
		case *ast.Ident:
			if n.Name == guardVar && !clashPos.IsValid() {
				clashPos = n.Pos()
			}
		}
		return true
	})
	var err error
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		blk, ok := n.(*ast.BlockStmt)
		if !ok {
			return true
		}
		for i, s := range blk.List {
			x, ok := writingToggle(f, s)
			if !ok {
				if as, isAssign := s.(*ast.AssignStmt); isAssign && len(as.Lhs) == 1 {
					if sel, isSel := as.Lhs[0].(*ast.SelectorExpr); isSel && sel.Sel.Name == "writing" {
						err = mp.shapeError(f, s.Pos(), "X.writing ^= 1", "Map.writing is changed in a way mapguard does not know")
						return false
					}
				}
				continue
			}
			if i > 0 {
				if px, op, ok := writingCheck(f, blk.List[i-1]); ok && op == token.EQL && px == x {
					mp.found.ends[key]++
					mp.edit(f, s.End(), token.NoPos, "; "+x+".guardWriteEnd("+guardVar+")")
					mp.site(f, s.Pos(), key, WriteEnd, "")
					continue
				}
			}
			// The write start declares guardW, which every write end of
			// the function uses: it must be at the top of the body, with
			// no goto that could jump over it and no other guardW.
			switch {
			case blk != fd.Body:
				err = mp.shapeError(f, s.Pos(), "X.writing ^= 1 at the top level of "+key, "the write starts inside a nested block")
			case gotoPos.IsValid():
				err = mp.shapeError(f, gotoPos, "no goto in "+key, "a goto could jump over the variable mapguard declares")
			case clashPos.IsValid():
				err = mp.shapeError(f, clashPos, "no name "+guardVar+" in "+key, key+" already uses the name mapguard declares")
			case !f.importsSys():
				err = mp.shapeError(f, token.NoPos, `import "internal/runtime/sys"`, "the file does not import sys, which the write start needs for GetCallerPC")
			}
			if err != nil {
				return false
			}
			mp.found.begins[key]++
			begin := ".guardWriteBegin(sys.GetCallerPC(), sys.GetCallerSP()); "
			if _, ok := wrappedEntries[key]; ok {
				begin = ".guardWriteBegin(" + guardPC + ", " + guardSP + "); "
			}
			mp.edit(f, s.Pos(), token.NoPos, guardVar+" := "+x+begin)
			mp.site(f, s.Pos(), key, WriteBegin, "")
		}
		return true
	})
	return err
}

// findFatals finds fatal("...concurrent map...") calls and the map each
// one is about.
func (mp *mapsPkg) findFatals(f *srcFile, fd *ast.FuncDecl, key string) error {
	var err error
	var stack []ast.Node
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || id.Name != "fatal" || len(call.Args) != 1 {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		msg := strings.Trim(lit.Value, "\"`")
		if !strings.Contains(msg, "concurrent map") {
			return true
		}
		x := ""
		// The nearest enclosing if X.writing != 0 / == 0.
		for i := len(stack) - 2; i >= 0 && x == ""; i-- {
			if is, ok := stack[i].(*ast.IfStmt); ok {
				if cx, _, ok := writingCheck(f, is); ok {
					x = cx
				}
			}
		}
		if x == "" && msg == msgSmallFull && strings.HasPrefix(key, "(*Map).") && len(fd.Recv.List[0].Names) == 1 {
			x = fd.Recv.List[0].Names[0].Name
		}
		if x == "" {
			err = mp.shapeError(f, call.Pos(), `if m.writing != 0 { fatal("`+msg+`") }`, "a fatal site whose map mapguard cannot find")
			return false
		}
		switch msg {
		case msgWrites, msgReadWrite, msgIterWrite, msgClone, msgSmallFull:
		default:
			err = mp.shapeError(f, call.Pos(), "a known concurrent map message", "unknown fatal message "+lit.Value)
			return false
		}
		mp.found.fatals[key] = append(mp.found.fatals[key], msg)
		mp.edit(f, call.Pos(), call.End(), x+".guardReportFatal("+lit.Value+")")
		mp.site(f, call.Pos(), key, Fatal, msg)
		return true
	})
	return err
}

// findIterLookups renames it.m.getWithKey to it.m.getWithKeyIter in an
// iterator method, so that a write found during that lookup is reported as
// iteration (the stock runtime says "read" there).
func (mp *mapsPkg) findIterLookups(f *srcFile, fd *ast.FuncDecl, key string) int {
	n := 0
	ast.Inspect(fd.Body, func(node ast.Node) bool {
		call, ok := node.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "getWithKey" {
			return true
		}
		inner, ok := sel.X.(*ast.SelectorExpr)
		if !ok || inner.Sel.Name != "m" {
			return true // t.getWithKey on a table: no fatal there
		}
		n++
		mp.edit(f, sel.Sel.Pos(), sel.Sel.End(), "getWithKeyIter")
		mp.site(f, sel.Sel.Pos(), key, IterLookup, "")
		return true
	})
	return n
}

// findStrict places the strict mode's calls in Iter.Init and Iter.Next.
func (mp *mapsPkg) findStrict(f *srcFile, fd *ast.FuncDecl, key string) error {
	switch key {
	case "(*Iter).Init":
		m := ""
		for _, p := range fd.Type.Params.List {
			if exprString(p.Type) == "*Map" && len(p.Names) == 1 {
				m = p.Names[0].Name
			}
		}
		list := fd.Body.List
		if m == "" || len(list) == 0 {
			return mp.shapeError(f, fd.Pos(), "func (it *Iter) Init(typ *abi.MapType, m *Map) { ... }", "Iter.Init has no *Map parameter")
		}
		last := list[len(list)-1]
		if _, ok := last.(*ast.AssignStmt); !ok {
			return mp.shapeError(f, last.Pos(), "Iter.Init ending in an assignment", "Iter.Init ends differently")
		}
		mp.edit(f, last.End(), token.NoPos, "; "+m+".guardIterStart()")
		mp.site(f, last.Pos(), key, StrictInit, "")
	case "(*Iter).Next":
		for _, s := range fd.Body.List {
			if x, op, ok := writingCheck(f, s); ok && op == token.NEQ {
				mp.edit(f, s.End(), token.NoPos, "; "+x+".guardIterStep()")
				mp.site(f, s.End(), key, StrictNext, "")
				return nil
			}
		}
		return mp.shapeError(f, fd.Pos(), "if it.m.writing != 0 { fatal(...) } at the top level of Iter.Next", "not found")
	}
	return nil
}

// cloneGetWithKey returns the source of getWithKeyIter: getWithKey with its
// fatal message saying iteration.
func (mp *mapsPkg) cloneGetWithKey(f *srcFile, fd *ast.FuncDecl) string {
	start, end := mp.off(fd.Pos()), mp.off(fd.End())
	var local []edit
	for _, e := range f.edits {
		if e.off >= start && e.off < end {
			local = append(local, edit{off: e.off - start, end: max(e.end-start, 0), text: e.text})
		}
	}
	local = append(local, edit{off: mp.off(fd.Name.Pos()) - start, end: mp.off(fd.Name.End()) - start, text: "getWithKeyIter"})
	body := applyEdits(f.data[start:end], local)
	body = bytes.Replace(body, []byte(`"`+msgReadWrite+`"`), []byte(`"`+msgIterWrite+`"`), 1)
	pos := mp.fset.Position(fd.Pos())
	return fmt.Sprintf("// getWithKeyIter is getWithKey (%s:%d) for the iterator: a write\n// found during the lookup is reported as iteration, not as a read.\n%s\n",
		f.rel, pos.Line, body)
}
