package deferaccess

import (
	_ "embed"
	"go/token"

	"github.com/mapsafe/mapsafe/mapvet/internal/check"
	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/phrase"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
)

//go:embed doc.go
var doc string

// Info is the check's metadata.
var Info = diag.Info{Name: "deferaccess", Severity: diag.Crash}

// Analyzer is the check over the engine that takes its settings from flags.
var Analyzer = New(engine.Analyzer)

// New returns the check over the given engine analyzer.
func New(eng *analysis.Analyzer) *analysis.Analyzer { return spec.New(eng) }

var spec = check.Check{Info: Info, Doc: doc, Run: run}

func run(c *diag.Checker, eng *engine.Engine) {
	for _, fn := range eng.Funcs() {
		c.At(fn.Pos())
		r := eng.Result(fn)
		for _, d := range r.Defers {
			c.At(d.Pos)
			checkDefer(c, eng, r, d)
		}
	}
}

// checkDefer reports each map d accesses at most once: first a goroutine of
// the function that may write it while d runs, else a guard d does not hold.
func checkDefer(c *diag.Checker, eng *engine.Engine, r *engine.Result, d *engine.Deferred) {
	fset := c.Pass.Fset
	done := map[ref.Ref]bool{}
	for i := range d.Accesses {
		a := &d.Accesses[i]
		if done[a.Ref] || !a.Kind.Crashes() {
			continue
		}
		locks := d.Locks.Union(a.Locks)
		if g, w := racingWriter(r, d, a, locks); g != nil {
			done[a.Ref] = true
			c.Report(analysis.Diagnostic{
				Pos: pos(c, a, d),
				Message: phrase.Access(a) + " in " + where(a, d) + " may run while " + phrase.Goroutine(fset, g) +
					" writes it at " + phrase.Where(fset, w.Op) + " (" + ops.Fatal(a.Kind) + ")",
				Related: related(c, a, d, append(phrase.Start(g),
					diag.Related(w.Op, "%s by the goroutine", phrase.Access(w)))...),
			})
			continue
		}
		gd, ok := eng.Guard(a.TypeKey)
		if !ok || a.Kind == ops.Write && a.Via != nil {
			continue
		}
		if gd.HeldIn(locks) {
			continue
		}
		done[a.Ref] = true
		c.Report(analysis.Diagnostic{
			Pos: pos(c, a, d),
			Message: phrase.Access(a) + " in " + where(a, d) + " runs without " + gd.Lock.Name + ", which guards it (held at " +
				phrase.Where(fset, gd.Write) + "): a writer may run at the same time (" + ops.Fatal(a.Kind) + ")",
			Related: related(c, a, d,
				diag.Related(gd.Write, "%s held here for a write", gd.Lock.Name)),
		})
	}
}

// related lists a finding's secondary positions: the deferred access
// itself when the finding is reported at the defer statement, then more.
func related(c *diag.Checker, a *engine.Access, d *engine.Deferred, more ...analysis.RelatedInformation) []analysis.RelatedInformation {
	var out []analysis.RelatedInformation
	if p := pos(c, a, d); p != a.Op && a.Op.IsValid() {
		out = append(out, diag.Related(a.Op, "%s when the deferred call runs", phrase.Access(a)))
	}
	return append(out, more...)
}

// racingWriter returns a goroutine that may run while d runs and writes the
// map a touches without a lock in common with it.
func racingWriter(r *engine.Result, d *engine.Deferred, a *engine.Access, locks engine.LockSet) (*engine.Goroutine, *engine.Access) {
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
func pos(c *diag.Checker, a *engine.Access, d *engine.Deferred) token.Pos {
	if c.InPackage(a.Op) && (a.Via == nil || a.Via.Literal()) {
		return a.Op
	}
	return d.Pos
}

func where(a *engine.Access, d *engine.Deferred) string {
	switch {
	case a.Via.Literal(), a.Via == nil && d.Literal:
		return "deferred func"
	case a.Via == nil:
		return "deferred call"
	}
	return "deferred call to " + phrase.Call(a.Via)
}
