package guardedby

import (
	_ "embed"
	"fmt"
	"go/token"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/check"
	"github.com/mapsafe/mapsafe/mapvet/internal/diag"
	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/phrase"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

//go:embed doc.go
var doc string

// Info is the check's metadata.
var Info = diag.Info{Name: "guardedby", Severity: diag.Crash}

// Analyzer is the check over the engine that takes its settings from flags.
var Analyzer = New(engine.Analyzer)

// New returns the check over the given engine analyzer.
func New(eng *analysis.Analyzer) *analysis.Analyzer { return spec.New(eng) }

var spec = check.Check{Info: Info, Doc: doc, Run: run}

func run(c *diag.Checker, eng *engine.Engine) {
	for _, fn := range eng.Funcs() {
		if eng.InTestFile(fn) || isInit(fn) {
			continue
		}
		c.At(fn.Pos())
		checkFunc(c, eng, fn)
	}
}

// checkFunc reports fn's accesses (and its callees') that do not hold their
// map's guard, once per position.
func checkFunc(c *diag.Checker, eng *engine.Engine, fn *ssa.Function) {
	if eng.Helper(fn) {
		return // its accesses, its callees' included, are judged at its callers
	}
	r := eng.Result(fn)
	type site struct {
		pos, op token.Pos
		key     ref.TypeKey
	}
	var order []site
	worst := map[site]*engine.Access{} // a write over a read: m[k]++ is both
	for i := range r.Accesses {
		a := &r.Accesses[i]
		if a.Fresh || !a.Kind.Crashes() || !sharedRoot(a.Ref) {
			continue // a constructor's, a len, or a value the function obtained itself
		}
		g, ok := eng.Guard(a.TypeKey)
		if !ok || g.HeldIn(a.Locks) {
			continue
		}
		if g.CallerLocked && engine.OwnerMethod(fn, a.TypeKey) {
			continue // the type leaves the locking to its callers, judged there
		}
		s := site{a.Pos, a.Op, a.TypeKey}
		if w, ok := worst[s]; !ok {
			order = append(order, s)
			worst[s] = a
		} else if a.Kind == ops.Write && w.Kind != ops.Write {
			worst[s] = a
		}
	}
	done := map[token.Pos]bool{}
	for _, s := range order {
		a := worst[s]
		if done[a.Pos] {
			continue
		}
		done[a.Pos] = true
		g, _ := eng.Guard(a.TypeKey)
		c.At(a.Pos)
		report(c, a, g)
	}
}

func report(c *diag.Checker, a *engine.Access, g engine.Guard) {
	fset := c.Pass.Fset
	why := fmt.Sprintf("held at %d of %d accesses", g.Held, g.Accesses)
	if g.Layout {
		why = fmt.Sprintf("declared with it, held at %d of %d accesses", g.Held, g.Accesses)
	}
	if g.Declared {
		why = "//mapvet:guardedby " + g.Lock.Name
	}
	if g.Write.IsValid() {
		why += ", e.g. " + phrase.Where(fset, g.Write)
	}
	what := phrase.Access(a)
	if a.Via != nil {
		what = "call to " + phrase.Call(a.Via) + " makes a " + phrase.Access(a) + " (at " + phrase.Where(fset, a.Op) + ")"
	}
	d := analysis.Diagnostic{
		Pos: a.Pos,
		Message: fmt.Sprintf("%s without %s, which guards it (%s): another goroutine may write %s at the same time (%s)",
			what, lockName(a, g), why, a.Name, fatal(a.Kind)),
	}
	if a.Via != nil && a.Op.IsValid() {
		d.Related = append(d.Related, diag.Related(a.Op, "%s in %s", phrase.Access(a), phrase.Call(a.Via)))
	}
	if g.Write.IsValid() {
		d.Related = append(d.Related, diag.Related(g.Write, "%s held here for a write", g.Lock.Name))
	}
	c.Report(d)
}

// sharedRoot reports whether r is reached from something other code may
// hold: a parameter (a method's receiver), a captured variable, a package
// variable. A value the function made or got from a call that returns
// something new (a decoded message, a struct being built) is its own
// until it hands it out.
func sharedRoot(r ref.Ref) bool {
	return r.Kind == ref.Param || r.Kind == ref.FreeVar || r.Kind == ref.Global
}

// lockName names the guard as the access would: c.mu for c.items when mu
// is a field of the map's struct, else as written where it is held.
func lockName(a *engine.Access, g engine.Guard) string {
	mapKey, lockKey := string(a.TypeKey), string(g.Lock.TypeKey)
	mi, li := strings.LastIndexByte(mapKey, '.'), strings.LastIndexByte(lockKey, '.')
	if mi < 0 || li < 0 || mapKey[:mi] != lockKey[:li] {
		return g.Lock.Name
	}
	field := mapKey[mi:] // ".items"
	if base, ok := strings.CutSuffix(a.Name, field); ok && base != "" && !strings.HasPrefix(a.Name, "the ") {
		return base + lockKey[li:]
	}
	return g.Lock.Name
}

// fatal is the runtime's message when a write under the lock meets an
// access of kind k.
func fatal(k ops.Kind) string { return ops.Fatal(k) }

func isInit(fn *ssa.Function) bool {
	return fn.Parent() == nil && fn.Synthetic == "" && (fn.Name() == "init" || len(fn.Name()) > 5 && fn.Name()[:5] == "init#")
}
