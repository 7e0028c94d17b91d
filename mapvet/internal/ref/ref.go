// Package ref names the memory a map operation or a lock operation touches.
//
// A Ref is a root plus a path of steps. The root is an SSA value (a global,
// a local variable's Alloc, a make(map) site, any other value the analysis
// cannot see through) or, inside a function summary, a parameter or free
// variable by index. The path is what the program did to the root:
//
//   - load through a pointer
//     &     take the address (of the location the path reached)
//     .f    select field f
//     []    select an element of a slice, array or map (all elements alias)
//
// so that every spelling of the same location gets the same Ref:
//
//	s.m        with s *T     FieldAddr(s, m) then load:  {s, "*.m"}
//	(*s).m     Field(*s, m):                             {s, "*.m"}
//	m          captured by a closure (an Alloc):         {alloc m, "*"}
//	mu.Lock()  with mu a field of s:                     {s, "*.mu&"}
//
// Refs are comparable values: equal Refs are the same location. Parameter and
// free-variable roots are replaced by the caller's Refs (Subst) when a
// summary is applied at a call or a go statement, which is how a goroutine's
// accesses are named in the function that started it.
package ref

import (
	"fmt"
	"go/token"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Kind is the kind of a Ref's root.
type Kind uint8

const (
	Invalid Kind = iota
	Global       // a package-level variable: Var is "pkgpath.name"
	Local        // an SSA value of the function being analysed: Value
	Param        // parameter Index of the summarised function
	FreeVar      // free variable Index of the summarised closure
)

// Ref names one location or value.
type Ref struct {
	Kind  Kind
	Var   string    // Global: "pkgpath.name"
	Value ssa.Value // Local: the root value (an Alloc, a MakeMap, a Call, ...)
	Index int       // Param, FreeVar
	Path  string    // steps, see the package comment
}

// IsZero reports whether r names nothing.
func (r Ref) IsZero() bool { return r.Kind == Invalid }

// Append returns r with the steps appended, normalised.
func (r Ref) Append(steps string) Ref {
	r.Path = normalize(r.Path + steps)
	return r
}

// normalize cancels "&*" (load of an address just taken) and "*&" (address
// of a location just loaded through).
func normalize(p string) string {
	for {
		q := strings.ReplaceAll(p, "&*", "")
		q = strings.ReplaceAll(q, "*&", "")
		if q == p {
			return p
		}
		p = q
	}
}

// LastField returns the name of the last field step of the path, if the
// path ends in a field (optionally followed by a load or address step).
func (r Ref) LastField() string {
	p := strings.TrimRight(r.Path, "*&")
	i := strings.LastIndexAny(p, ".[")
	if i < 0 || p[i] != '.' {
		return ""
	}
	return p[i+1:]
}

// InElement reports whether r goes through an element of a slice, array or
// map: a location that stands for every element of its container.
func (r Ref) InElement() bool { return strings.Contains(r.Path, "[]") }

// Beside reports whether r and s are fields of the same struct value: the
// same root, and paths that differ only in their last field (ignoring a
// final load or address step), as c.mu and c.m are.
func (r Ref) Beside(s Ref) bool {
	if r.Kind != s.Kind || r.Var != s.Var || r.Value != s.Value || r.Index != s.Index {
		return false
	}
	rp, ok1 := parent(strings.TrimRight(r.Path, "*&"))
	sp, ok2 := parent(strings.TrimRight(s.Path, "*&"))
	return ok1 && ok2 && rp == sp
}

// Together reports whether a lock at r and a map at s sit together the way
// a lock that is there for a map does: fields of one struct value, or
// package variables of one package.
func (r Ref) Together(s Ref) bool {
	if r.Kind == Global && s.Kind == Global {
		return r.Package() == s.Package()
	}
	return r.Beside(s)
}

// parent strips the last field step of a path.
func parent(p string) (string, bool) {
	i := strings.LastIndexByte(p, '.')
	if i < 0 || strings.ContainsAny(p[i:], "*&[") {
		return "", false
	}
	return p[:i], true
}

// Package returns the import path of a Global's package.
func (r Ref) Package() string {
	if r.Kind != Global {
		return ""
	}
	return r.Var[:max(strings.LastIndexByte(r.Var, '.'), 0)]
}

// Portable reports whether r can leave the function that produced it: its
// root is a global, a parameter or a free variable.
func (r Ref) Portable() bool {
	return r.Kind == Global || r.Kind == Param || r.Kind == FreeVar
}

// String is a debugging form.
func (r Ref) String() string {
	switch r.Kind {
	case Global:
		return r.Var + "|" + r.Path
	case Local:
		return fmt.Sprintf("%s@%v|%s", r.Value.Name(), r.Value.Pos(), r.Path)
	case Param:
		return fmt.Sprintf("param%d|%s", r.Index, r.Path)
	case FreeVar:
		return fmt.Sprintf("free%d|%s", r.Index, r.Path)
	}
	return "invalid"
}

// Name renders r the way a Go programmer would write it, for messages.
// fn is the function whose namespace r is in (for parameter names).
func (r Ref) Name(fn *ssa.Function) string {
	return r.Render(r.rootName(fn))
}

func (r Ref) rootName(fn *ssa.Function) string {
	var root string
	switch r.Kind {
	case Global:
		root = r.Var[strings.LastIndexByte(r.Var, '.')+1:]
	case Param:
		root = fmt.Sprintf("parameter %d", r.Index)
		if fn != nil && r.Index < len(fn.Params) {
			root = fn.Params[r.Index].Name()
		}
	case FreeVar:
		root = fmt.Sprintf("free variable %d", r.Index)
		if fn != nil && r.Index < len(fn.FreeVars) {
			root = fn.FreeVars[r.Index].Name()
		}
	case Local:
		root = localName(r.Value)
	default:
		root = "?"
	}
	return root
}

// Render renders r's path after the given name for its root.
func (r Ref) Render(root string) string {
	var b strings.Builder
	b.WriteString(root)
	for _, step := range splitPath(r.Path) {
		switch {
		case step[0] == '.':
			b.WriteString(step)
		case step == "[]":
			b.WriteString("[...]")
		}
	}
	return b.String()
}

func localName(v ssa.Value) string {
	switch v := v.(type) {
	case *ssa.Alloc:
		if v.Comment != "" {
			return v.Comment
		}
	case *ssa.Parameter:
		return v.Name()
	case *ssa.FreeVar:
		return v.Name()
	case *ssa.MakeMap:
		return "the map made at " + posString(v)
	case *ssa.Global:
		return v.Name()
	case *ssa.Call:
		return "the result of " + callee(v)
	case *ssa.Extract:
		if c, ok := v.Tuple.(*ssa.Call); ok {
			return "the result of " + callee(c)
		}
	}
	if v.Pos().IsValid() {
		return "the value at " + posString(v)
	}
	return "a " + v.Type().String()
}

func callee(c *ssa.Call) string {
	if fn := c.Call.StaticCallee(); fn != nil {
		return fn.Name()
	}
	if c.Call.IsInvoke() {
		return c.Call.Method.Name()
	}
	return "a call"
}

func posString(v ssa.Value) string {
	fn := v.Parent()
	if fn == nil || !v.Pos().IsValid() {
		return "?"
	}
	p := fn.Prog.Fset.Position(v.Pos())
	return fmt.Sprintf("%s:%d", shortFile(p), p.Line)
}

func shortFile(p token.Position) string {
	f := p.Filename
	if i := strings.LastIndexByte(f, '/'); i >= 0 {
		f = f[i+1:]
	}
	return f
}

// Steps returns r's path as its steps: "*", "&", "[]" and ".f".
func (r Ref) Steps() []string { return splitPath(r.Path) }

// splitPath splits a path into its steps.
func splitPath(p string) []string {
	var steps []string
	for i := 0; i < len(p); {
		switch p[i] {
		case '*', '&':
			steps = append(steps, p[i:i+1])
			i++
		case '[':
			steps = append(steps, "[]")
			i += 2
		case '.':
			j := i + 1
			for j < len(p) && !strings.ContainsRune("*&.[", rune(p[j])) {
				j++
			}
			steps = append(steps, p[i:j])
			i = j
		default:
			i++
		}
	}
	return steps
}

// Bases returns the caller's Refs for r's root (params and frees as for
// Subst), or nil when r's root is not a parameter or free variable.
func Bases(r Ref, params, frees [][]Ref) []Ref {
	var base [][]Ref
	switch r.Kind {
	case Param:
		base = params
	case FreeVar:
		base = frees
	default:
		return nil
	}
	if r.Index >= len(base) {
		return nil
	}
	return base[r.Index]
}

// SameRoot reports whether r and s have the same root.
func (r Ref) SameRoot(s Ref) bool {
	return r.Kind == s.Kind && r.Var == s.Var && r.Value == s.Value && r.Index == s.Index
}

// On returns r with its root replaced by base (r's root being a parameter
// or free variable the caller passes base for).
func (r Ref) On(base Ref) []Ref { return simplify(base.Append(r.Path), 0) }

// Subst replaces a Param or FreeVar root by the caller's Refs for it.
// params and frees give, for each index, the caller's Refs (nil when
// unknown). A Ref with another root is returned unchanged. The result is
// empty when the root cannot be replaced.
func Subst(r Ref, params, frees [][]Ref) []Ref {
	if r.Kind != Param && r.Kind != FreeVar {
		return []Ref{r}
	}
	var out []Ref // nil when the root cannot be replaced
	for _, b := range Bases(r, params, frees) {
		for _, s := range r.On(b) {
			if !contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}
