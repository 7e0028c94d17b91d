package engine

import (
	"slices"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
)

// GuardsFact carries a package's guards of its own maps to importers.
type GuardsFact struct {
	Guards []factGuard
}

func (*GuardsFact) AFact() {}

func (f *GuardsFact) String() string {
	var parts []string
	for _, g := range f.Guards {
		parts = append(parts, g.Map+" by "+g.Lock)
	}
	return "guards(" + strings.Join(parts, ", ") + ")"
}

type factGuard struct {
	Map, Lock, LockName string
	Also                []string
	Declared            bool
	Held, Accesses      int
	Write, At           factPos
}

// guardsFact returns the fact of this package's guards of its own maps.
func (e *Engine) guardsFact(pkg string) *GuardsFact {
	f := &GuardsFact{}
	for k, g := range e.Guards() {
		if !strings.HasPrefix(string(k), pkg+".") || strings.Contains(string(k)[len(pkg)+1:], "/") {
			continue
		}
		fg := factGuard{Map: string(k), Lock: string(g.Lock.TypeKey), LockName: g.Lock.Name, Declared: g.Declared,
			Held: g.Held, Accesses: g.Accesses, Write: toFactPos(e.fset, pkg, g.Write), At: toFactPos(e.fset, pkg, g.Lock.At)}
		for _, a := range g.Also {
			fg.Also = append(fg.Also, string(a))
		}
		f.Guards = append(f.Guards, fg)
	}
	slices.SortFunc(f.Guards, func(a, b factGuard) int { return strings.Compare(a.Map, b.Map) })
	return f
}

// importGuards reads the guards other packages exported.
func importGuards(pass *analysis.Pass) map[ref.TypeKey]Guard {
	out := map[ref.TypeKey]Guard{}
	for _, pf := range pass.AllPackageFacts() {
		f, ok := pf.Fact.(*GuardsFact)
		if !ok {
			continue
		}
		for _, fg := range f.Guards {
			g := Guard{Lock: Held{TypeKey: ref.TypeKey(fg.Lock), Name: fg.LockName, At: fg.At.pos(pass.Fset)},
				Write: fg.Write.pos(pass.Fset), Declared: fg.Declared, Held: fg.Held, Accesses: fg.Accesses}
			for _, a := range fg.Also {
				g.Also = append(g.Also, ref.TypeKey(a))
			}
			out[ref.TypeKey(fg.Map)] = g
		}
	}
	return out
}
