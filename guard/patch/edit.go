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
