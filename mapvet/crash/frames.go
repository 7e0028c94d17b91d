package crash

import (
	"go/types"
	"path"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/crash/crashlog"
	"golang.org/x/tools/go/ssa"
)

// User code. A frame is user code when its function belongs to a package
// outside the standard library: package main, a package loaded from
// source here (a module may be named without a dot, "racer/cache"), or a
// path whose first element has a dot. The runtime (runtime.mapassign,
// internal/runtime/maps.fatal) and the rest of the standard library
// (maps.Copy, encoding/json, fmt, net/http, testing) are not: the first
// user frame of the goroutine that reported the crash is the line of the
// program that made the access, possibly through a library call (maps.Copy,
// json.Marshal, fmt.Sprint) that package ops knows touches the map.

// userFrame is a frame of the crash mapped to the source.
type userFrame struct {
	crashlog.Frame
	index int           // in the goroutine's frames; -1 for a created-by frame
	file  string        // the local file, "" when the frame is not in the loaded packages
	fn    *ssa.Function // the innermost source function at the line, nil if none
}

// isStd reports whether a frame's package is in the standard library.
func (p *program) isStd(f crashlog.Frame) bool {
	pkg := f.Pkg
	if pkg == "main" || p.pkgPaths()[pkg] {
		return false
	}
	first, _, _ := strings.Cut(pkg, "/")
	return !strings.Contains(first, ".")
}

// pkgPaths returns the import paths of the packages built from source.
func (p *program) pkgPaths() map[string]bool {
	if p.paths == nil {
		p.paths = map[string]bool{}
		for _, sp := range p.srcPkgs {
			p.paths[sp.pkg.Pkg.Path()] = true
		}
	}
	return p.paths
}

// userFrames returns g's frames outside the standard library, innermost
// first, mapped to the source.
func (p *program) userFrames(g *crashlog.Goroutine) []userFrame {
	var out []userFrame
	for i, f := range g.Frames {
		if p.isStd(f) {
			continue
		}
		out = append(out, p.mapFrame(f, i))
	}
	return out
}

// createdBy returns the user frame of g's go statement, if it has one in
// user code.
func (p *program) createdBy(g *crashlog.Goroutine) (userFrame, bool) {
	if g.CreatedBy == nil || p.isStd(*g.CreatedBy) {
		return userFrame{}, false
	}
	return p.mapFrame(*g.CreatedBy, -1), true
}

func (p *program) mapFrame(f crashlog.Frame, i int) userFrame {
	uf := userFrame{Frame: f, index: i, file: p.localFile(f)}
	if uf.file != "" {
		uf.fn = p.funcAtDepth(uf.file, f.Line, literalDepth(f.Func))
	}
	return uf
}

// literalDepth returns how deep in function literals a function of a
// stack is, from the runtime's name: "main.main" 0, "main.main.func1" 1,
// "pkg.(*T).m.func2.1" 2. The compiler's wrappers for go and defer
// statements ("main.main.gowrap1") are not literals: they run at the line
// of their statement, in the function that holds it.
func literalDepth(name string) int {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	parts := strings.Split(name, ".")
	var run []string // the trailing funcN and N parts, right to left
	for i := len(parts) - 1; i > 0; i-- {
		part := parts[i]
		if strings.HasPrefix(part, "gowrap") || strings.HasPrefix(part, "deferwrap") {
			continue
		}
		if !isDigits(part) && !(strings.HasPrefix(part, "func") && isDigits(part[len("func"):])) {
			break
		}
		run = append(run, part)
	}
	// "pkg.init.0" numbers init functions, not literals: a run starts at
	// a funcN.
	for len(run) > 0 && isDigits(run[len(run)-1]) {
		run = run[:len(run)-1]
	}
	return len(run)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// localFile finds the loaded file a frame's file is: the one with the
// same base name and the longest common path suffix, in a package whose
// path is the frame's (package main's functions are printed as "main.f").
// The binary may have been built elsewhere, or with -trimpath, so the
// paths themselves need not match.
func (p *program) localFile(f crashlog.Frame) string {
	key := f.Pkg + "\x00" + f.File
	if l, ok := p.local[key]; ok {
		return l
	}
	best, bestLen := "", -1
	for _, cand := range p.byBase[path.Base(f.File)] {
		ff := p.files[cand]
		pkg := ff.pkg.pkg.Pkg
		if f.Pkg != pkg.Path() && !(f.Pkg == "main" && pkg.Name() == "main") {
			continue
		}
		if !ff.declares(f.Pkg, f.Func) {
			continue // another program's file of the same name
		}
		if n := commonSuffix(cand, f.File); n > bestLen {
			best, bestLen = cand, n
		}
	}
	p.local[key] = best
	return best
}

// topName returns the declared function a stack's function belongs to,
// without its package, type arguments or literal suffixes:
// "pkg.(*Cache[...]).refresh.func1" is "(*Cache).refresh".
func topName(pkg, name string) string {
	parts := nameParts(pkg, name)
	if len(parts) > 1 && (strings.HasPrefix(parts[0], "(") || !isLiteralPart(parts[1])) {
		return parts[0] + "." + parts[1] // a method
	}
	return parts[0]
}

// nameParts splits a runtime function name, without its package and type
// arguments, at its dots: "pkg.(*Cache[...]).refresh.func1" is
// ["(*Cache)", "refresh", "func1"].
func nameParts(pkg, name string) []string {
	if strings.HasPrefix(name, pkg+".") {
		name = name[len(pkg)+1:]
	} else {
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			name = name[i+1:]
		}
		if i := strings.IndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
	}
	return strings.Split(strings.ReplaceAll(name, "[...]", ""), ".")
}

// namesDecl reports whether a runtime function name belongs to the declared
// function decl (as declName renders it). The function itself or a literal
// in it is named after decl ("(*Cache).refresh", "(*Cache).refresh.func1"),
// but a literal of a function inlined into another is named after both,
// caller first: touch's literal inlined into main is
// "main.(*Sessions).touch.func1". So decl must end the name once its
// literal parts are dropped, and not as the method name of a receiver.
func namesDecl(pkg, name, decl string) bool {
	parts := nameParts(pkg, name)
	for len(parts) > 1 && isLiteralPart(parts[len(parts)-1]) {
		parts = parts[:len(parts)-1]
	}
	chain := strings.Join(parts, ".")
	if chain == decl {
		return true
	}
	rest, ok := strings.CutSuffix(chain, "."+decl)
	return ok && !strings.HasSuffix(rest, ")")
}

// isLiteralPart reports whether a part of a runtime function name names a
// function literal or a compiler wrapper rather than a method.
func isLiteralPart(s string) bool {
	return isDigits(s) || strings.HasPrefix(s, "func") && isDigits(s[len("func"):]) ||
		strings.HasPrefix(s, "gowrap") || strings.HasPrefix(s, "deferwrap")
}

// declares reports whether the file declares the function the runtime
// function name belongs to.
func (ff *fileFuncs) declares(pkg, name string) bool {
	for _, fn := range ff.funcs {
		if fn.Parent() == nil && namesDecl(pkg, name, declName(fn)) {
			return true
		}
	}
	top := topName(pkg, name)
	return strings.HasPrefix(top, "init") // init functions are numbered by the runtime
}

// declName renders a declared function as the runtime does, without its
// package: "reader", "(*Cache).refresh", "Cache.Get".
func declName(fn *ssa.Function) string {
	recv := fn.Signature.Recv()
	if recv == nil {
		return fn.Name()
	}
	t := recv.Type()
	star := ""
	if p, ok := t.(*types.Pointer); ok {
		star, t = "*", p.Elem()
	}
	name := types.TypeString(t, func(*types.Package) string { return "" })
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	if star != "" {
		return "(*" + name + ")." + fn.Name()
	}
	return name + "." + fn.Name()
}

// commonSuffix counts the path elements two paths end with.
func commonSuffix(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(as) && n < len(bs) && as[len(as)-1-n] == bs[len(bs)-1-n] {
		n++
	}
	return n
}
