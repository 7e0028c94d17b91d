package patch

import (
	"bytes"
	"go/ast"
	"go/printer"
	"go/token"
	"sort"
)

// edit replaces data[off:end] with text; end <= off inserts text at off.
type edit struct {
	off, end int
	text     string
}

// applyEdits returns data with the edits applied. Edits must not overlap;
// the callers place them on distinct nodes.
func applyEdits(data []byte, edits []edit) []byte {
	es := append([]edit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].off < es[j].off })
	var out bytes.Buffer
	last := 0
	for _, e := range es {
		out.Write(data[last:e.off])
		out.WriteString(e.text)
		last = e.off
		if e.end > e.off {
			last = e.end
		}
	}
	out.Write(data[last:])
	return out.Bytes()
}

// exprString prints an expression the way gofmt would.
func exprString(e ast.Expr) string {
	var b bytes.Buffer
	printer.Fprint(&b, token.NewFileSet(), e)
	return b.String()
}

// funcKey names a function declaration: "name" or "(*Recv).name".
func funcKey(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := ""
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = "*", s.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return "(" + star + id.Name + ")." + fd.Name.Name
	}
	return "(?)." + fd.Name.Name
}
