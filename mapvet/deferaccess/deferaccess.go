package deferaccess

import (
	_ "embed"
	"fmt"
	"go/token"

	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/guard"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
)

//go:embed doc.go
var doc string

const name = "deferaccess"

var Analyzer = &analysis.Analyzer{
	Name:     name,
	Doc:      diag.Doc(doc, name),
	URL:      "https://github.com/mapsafe/mapsafe/blob/main/docs/mapvet.md#deferaccess",
	Requires: []*analysis.Analyzer{engine.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	eng := pass.ResultOf[engine.Analyzer].(*engine.Engine)
	c := diag.NewChecker(pass, name)
	return nil, c.Run(func() {
		guards := guard.Infer(eng)
		for _, fn := range eng.Funcs() {
			c.At(fn.Pos())
			r := eng.Result(fn)
			for _, d := range r.Defers {
				c.At(d.Pos)
				checkDefer(c, r, d, guards)
			}
		}
	})
}

// checkDefer reports each map d accesses at most once: first a goroutine of
// the function that may write it while d runs, else a guard d does not hold.
func checkDefer(c *diag.Checker, r *engine.Result, d *engine.Deferred, guards guard.Guards) {
	done := map[ref.Ref]bool{}
	for _, a := range d.Accesses {
		if done[a.Ref] {
			continue
		}
		locks := d.Locks.Union(a.Locks)
		if g, w := racingWriter(r, d, a, locks); g != nil {
			done[a.Ref] = true
			c.Reportf(pos(a, d), "%s in %s may run while %s writes it at %s (%s)",
				a.Phrase(), where(a, d), g.Describe(), w.Where, ops.Fatal(a.Kind))
			continue
		}
		gd, ok := guards[a.TypeKey]
		if !ok || a.Kind == ops.Write && a.Call != "" {
			continue
		}
		if _, held := guard.Holds(locks, gd.LockKey); held {
			continue
		}
		done[a.Ref] = true
		c.Reportf(pos(a, d), "%s in %s runs without %s, which guards it (held at %s): a writer may run at the same time (%s)",
			a.Phrase(), where(a, d), gd.LockName, gd.Where, ops.Fatal(a.Kind))
	}
}

// racingWriter returns a goroutine that may run while d runs and writes the
// map a touches without a lock in common with it.
func racingWriter(r *engine.Result, d *engine.Deferred, a engine.Access, locks engine.LockSet) (*engine.Goroutine, *engine.Access) {
	for _, gi := range d.Running {
		g := r.Goroutines[gi]
		for i := range g.Accesses {
			w := &g.Accesses[i]
			if w.Kind == ops.Write && w.Ref == a.Ref && !engine.Excludes(locks, w.Locks) {
				return g, w
			}
		}
	}
	return nil, nil
}

// pos is where to report: at the access inside a deferred func literal, at
// the defer statement for a deferred call of a named function (which may be
// harmless elsewhere).
func pos(a engine.Access, d *engine.Deferred) token.Pos {
	if a.OpPos.IsValid() && (a.Call == "" || a.Call == "the func literal") {
		return a.OpPos
	}
	return d.Pos
}

func where(a engine.Access, d *engine.Deferred) string {
	switch {
	case a.Call == "the func literal", a.Call == "" && d.Literal:
		return "deferred func"
	case a.Call == "":
		return "deferred call"
	}
	return fmt.Sprintf("deferred call to %s", a.Call)
}
