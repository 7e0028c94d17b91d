package rangeinsert

import (
	"bytes"
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var doc string

// Info is the check's metadata.
var Info = diag.Info{Name: "rangeinsert", Severity: diag.Warning}

// Analyzer is the check. It works on the syntax tree and does not use the
// engine.
var Analyzer = &analysis.Analyzer{
	Name:     Info.Name,
	Doc:      diag.Doc(doc, Info.Name),
	URL:      "https://github.com/mapsafe/mapsafe/blob/main/docs/mapvet.md#rangeinsert",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	in := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	c := diag.NewChecker(pass, Info.Name)
	return nil, c.Run(func() {
		in.WithStack([]ast.Node{(*ast.RangeStmt)(nil)}, func(n ast.Node, push bool, stack []ast.Node) bool {
			if push {
				c.At(n.Pos())
				checkRange(c, n.(*ast.RangeStmt), stack)
			}
			return true
		})
	})
}

// insert is one statement in a range body that may add a key to the map.
type insert struct {
	stmt  ast.Stmt
	index *ast.IndexExpr // the m[key] written, nil for a library call
	what  string
}

func checkRange(c *diag.Checker, rs *ast.RangeStmt, stack []ast.Node) {
	info := c.Pass.TypesInfo
	if _, ok := info.TypeOf(rs.X).Underlying().(*types.Map); !ok {
		return
	}
	key := rangeKey(info, rs)
	assigned := assignedVars(info, rs.Body)
	var inserts []insert
	walkBody(rs.Body, func(s ast.Stmt, exits bool) {
		for _, ins := range insertsIn(info, s, rs.X) {
			if ins.index != nil && key != nil && !assigned[key] && isVar(info, ins.index.Index, key) {
				continue // updating the range key's entry
			}
			if exits {
				continue // the loop ends before it could visit the entry
			}
			inserts = append(inserts, ins)
		}
	})
	for i, ins := range inserts {
		d := analysis.Diagnostic{
			Pos:     ins.stmt.Pos(),
			Message: fmt.Sprintf("insert into %s during range over it: the new entry may or may not be visited by this loop; collect inserts in a second map", types.ExprString(rs.X)),
		}
		if i == 0 && len(inserts) == 1 {
			if fix, ok := collectFix(c.Pass, rs, ins, stack); ok {
				d.SuggestedFixes = []analysis.SuggestedFix{fix}
			}
		}
		c.Report(d)
	}
}

func rangeKey(info *types.Info, rs *ast.RangeStmt) types.Object {
	id, ok := rs.Key.(*ast.Ident)
	if !ok || id.Name == "_" {
		return nil
	}
	if obj := info.Defs[id]; obj != nil {
		return obj
	}
	return info.Uses[id]
}

func isVar(info *types.Info, e ast.Expr, obj types.Object) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && info.Uses[id] == obj
}

// assignedVars returns the variables assigned anywhere in body.
func assignedVars(info *types.Info, body *ast.BlockStmt) map[types.Object]bool {
	out := map[types.Object]bool{}
	mark := func(e ast.Expr) {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			if obj := info.Uses[id]; obj != nil {
				out[obj] = true
			}
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				mark(l)
			}
		case *ast.IncDecStmt:
			mark(n.X)
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				mark(n.X) // its address escapes: it may change
			}
		}
		return true
	})
	return out
}

// walkBody calls f for every statement of a range body that runs in the
// loop's own iteration (not in function literals), with exits set when the
// statement is followed directly by a break of this loop, a return or a
// panic.
func walkBody(body *ast.BlockStmt, f func(s ast.Stmt, exits bool)) {
	var list func(stmts []ast.Stmt, breakOK bool)
	var stmt func(s ast.Stmt, exits, breakOK bool)
	list = func(stmts []ast.Stmt, breakOK bool) {
		for i, s := range stmts {
			exits := i+1 < len(stmts) && exitsLoop(stmts[i+1], breakOK)
			stmt(s, exits, breakOK)
		}
	}
	stmt = func(s ast.Stmt, exits, breakOK bool) {
		f(s, exits)
		switch s := s.(type) {
		case *ast.BlockStmt:
			list(s.List, breakOK)
		case *ast.IfStmt:
			list(s.Body.List, breakOK)
			if s.Else != nil {
				stmt(s.Else, false, breakOK)
			}
		case *ast.LabeledStmt:
			stmt(s.Stmt, exits, breakOK)
		case *ast.SwitchStmt:
			for _, cc := range s.Body.List {
				list(cc.(*ast.CaseClause).Body, false)
			}
		case *ast.TypeSwitchStmt:
			for _, cc := range s.Body.List {
				list(cc.(*ast.CaseClause).Body, false)
			}
		case *ast.SelectStmt:
			for _, cc := range s.Body.List {
				list(cc.(*ast.CommClause).Body, false)
			}
		case *ast.ForStmt:
			list(s.Body.List, false)
		case *ast.RangeStmt:
			list(s.Body.List, false)
		}
	}
	list(body.List, true)
}

// exitsLoop reports whether s leaves the range loop at once. breakOK says
// whether an unlabelled break there targets the range loop.
func exitsLoop(s ast.Stmt, breakOK bool) bool {
	switch s := s.(type) {
	case *ast.BranchStmt:
		return s.Tok == token.BREAK && s.Label == nil && breakOK || s.Tok == token.GOTO
	case *ast.ReturnStmt:
		return true
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
		}
	}
	return false
}

// insertsIn returns the inserts into the map x that statement s makes itself.
func insertsIn(info *types.Info, s ast.Stmt, x ast.Expr) []insert {
	var out []insert
	switch s := s.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			return nil
		}
		for _, l := range s.Lhs {
			if ix, ok := ast.Unparen(l).(*ast.IndexExpr); ok && same(info, ix.X, x) {
				out = append(out, insert{s, ix, "assignment"})
			}
		}
	case *ast.IncDecStmt:
		if ix, ok := ast.Unparen(s.X).(*ast.IndexExpr); ok && same(info, ix.X, x) {
			out = append(out, insert{s, ix, s.Tok.String()})
		}
	case *ast.ExprStmt:
		call, ok := s.X.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return nil
		}
		if fn := typeutil.StaticCallee(info, call); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "maps" &&
			(fn.Name() == "Copy" || fn.Name() == "Insert") && same(info, call.Args[0], x) {
			out = append(out, insert{s, nil, "maps." + fn.Name()})
		}
	}
	return out
}

// same reports whether a and b denote the same map variable: the same
// identifier, or the same field selected from the same variable.
func same(info *types.Info, a, b ast.Expr) bool {
	a, b = ast.Unparen(a), ast.Unparen(b)
	switch a := a.(type) {
	case *ast.Ident:
		b, ok := b.(*ast.Ident)
		return ok && info.Uses[a] != nil && info.Uses[a] == info.Uses[b]
	case *ast.SelectorExpr:
		b, ok := b.(*ast.SelectorExpr)
		return ok && info.Uses[a.Sel] != nil && info.Uses[a.Sel] == info.Uses[b.Sel] && same(info, a.X, b.X)
	case *ast.StarExpr:
		b, ok := b.(*ast.StarExpr)
		return ok && same(info, a.X, b.X)
	}
	return false
}

// collectFix rewrites a loop with one plain insert m[k2] = v2 into
//
//	added := make(M)
//	for ... range m { ... added[k2] = v2 ... }
//	for k, v := range added {
//		m[k] = v
//	}
func collectFix(pass *analysis.Pass, rs *ast.RangeStmt, ins insert, stack []ast.Node) (analysis.SuggestedFix, bool) {
	as, ok := ins.stmt.(*ast.AssignStmt)
	if !ok || ins.index == nil || as.Tok != token.ASSIGN || len(as.Lhs) != 1 {
		return analysis.SuggestedFix{}, false
	}
	if len(stack) < 2 {
		return analysis.SuggestedFix{}, false
	}
	if _, ok := stack[len(stack)-2].(*ast.BlockStmt); !ok {
		return analysis.SuggestedFix{}, false // e.g. a labelled loop
	}
	tf := pass.Fset.File(rs.Pos())
	src, err := pass.ReadFile(tf.Name())
	if err != nil {
		return analysis.SuggestedFix{}, false
	}
	lineStart := tf.Offset(tf.LineStart(tf.Line(rs.Pos())))
	indent := src[lineStart:tf.Offset(rs.Pos())]
	if len(bytes.TrimLeft(indent, " \t")) != 0 {
		return analysis.SuggestedFix{}, false // the loop does not start its line
	}
	scope := pass.Pkg.Scope().Innermost(rs.Pos())
	if scope == nil {
		return analysis.SuggestedFix{}, false
	}
	added := fresh(scope, rs.Pos(), "added")
	mapText := src[tf.Offset(rs.X.Pos()):tf.Offset(rs.X.End())]
	typ := types.TypeString(pass.TypesInfo.TypeOf(rs.X), types.RelativeTo(pass.Pkg))
	k, v := "k", "v"
	ast.Inspect(rs.X, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && (id.Name == k || id.Name == v) {
			k, v = "key", "val"
		}
		return true
	})
	var after bytes.Buffer
	fmt.Fprintf(&after, "\n%sfor %s, %s := range %s {\n%s\t%s[%s] = %s\n%s}", indent, k, v, added, indent, mapText, k, v, indent)
	return analysis.SuggestedFix{
		Message: "collect the inserts in a second map and copy them in after the loop",
		TextEdits: []analysis.TextEdit{
			{Pos: rs.Pos(), End: rs.Pos(), NewText: fmt.Appendf(nil, "%s := make(%s)\n%s", added, typ, indent)},
			{Pos: ins.index.X.Pos(), End: ins.index.X.End(), NewText: []byte(added)},
			{Pos: rs.End(), End: rs.End(), NewText: after.Bytes()},
		},
	}, true
}

// fresh returns name, or name with a number, unused at pos.
func fresh(scope *types.Scope, pos token.Pos, name string) string {
	for i := 1; ; i++ {
		n := name
		if i > 1 {
			n = fmt.Sprintf("%s%d", name, i)
		}
		if _, obj := scope.LookupParent(n, pos); obj == nil {
			return n
		}
	}
}
