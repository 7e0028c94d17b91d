package crash

import (
	"fmt"
	"go/token"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/crash/crashlog"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Resolving a crash to a map identity.
//
// The first user frame of the goroutine that reported the crash is the
// line that made the access; the engine's per-function results name the
// access there by a Ref (a root and a path) in the terms of the function
// that makes it. A field of a named struct or a package variable is an
// identity on its own, at the type level: every access to the same field
// of any value of that type is the same map for the report. A parameter or
// a closure's free variable is not: the walk goes up the crash stack,
// reading each caller's result at the line of the call (or the go
// statement that started the goroutine, from its "created by" frame),
// where the same operation is named in the caller's terms, until the map
// is a field, a global or a local of some function (a map made there).
// A closure called from library code has no caller frame the engine
// follows; its free variable is read at the closure's creation instead.

// site is the crashing access, resolved.
type site struct {
	g     *crashlog.Goroutine
	frame userFrame // the first user frame
	acc   access    // in frame.fn's terms
	// id is the map's identity: key at the type level, or (root, ref) for a
	// map only root can name; at is the crashing access in root's terms,
	// with the locks held on the crash's own path.
	id    identity
	at    access
	entry []entry                // where the crashing goroutine began; empty when unknown
	stack map[*ssa.Function]bool // the functions of the crashing goroutine's user frames
	// spawner is the function whose go statement started the crashing
	// goroutine, and spawned that goroutine's index among its goroutines
	// (-1 when not known).
	spawner *ssa.Function
	spawned int
	// note says how far the walk got when it stopped at a parameter.
	note string
}

// identity names a map.
type identity struct {
	key  string // "pkgpath.T.f" or a global's "pkgpath.name"
	root *ssa.Function
	ref  ref.Ref
}

// fatalKinds maps the runtime's map fatal errors to the kind of access the
// goroutine that reported it was making.
var fatalKinds = map[string]ops.Kind{
	"concurrent map writes":                  ops.Write,
	"concurrent map read and map write":      ops.Read,
	"concurrent map iteration and map write": ops.Iterate,
	"concurrent map clone and map write":     ops.Clone,
}

// fatalKind returns the kind of access that reported a crash, false when
// the crash is not a map crash.
func fatalKind(c *crashlog.Crash) (ops.Kind, bool) {
	if c.Panic {
		return 0, false
	}
	k, ok := fatalKinds[c.Fatal]
	return k, ok
}

// resolve finds the crashing access of c and its map identity.
func (an *analysis) resolve(c *crashlog.Crash, kind ops.Kind) (*site, error) {
	p := an.p
	g := c.Goroutines[0]
	frames := p.userFrames(g)
	if len(frames) == 0 {
		if g.Unavailable {
			return nil, fmt.Errorf("the stack of goroutine %d, which reported the crash, is not in the dump", g.ID)
		}
		return nil, fmt.Errorf("goroutine %d, which reported the crash, has no frame outside the standard library", g.ID)
	}
	f0 := frames[0]
	if f0.file == "" {
		return nil, fmt.Errorf("the crash comes from %s at %s:%d, which is not in the packages given (a crash from another program, or a package missing from the list?)", f0.Func, f0.File, f0.Line)
	}
	if f0.fn == nil || !namesDecl(f0.Pkg, f0.Func, declName(outermost(f0.fn))) {
		return nil, fmt.Errorf("%s:%d is not in %s in the source (%s): the source has changed since the binary was built",
			p.rel(f0.file), f0.Line, topName(f0.Pkg, f0.Func), p.sourceLine(f0.file, f0.Line))
	}
	acc, ok := an.opAt(f0, kind)
	if !ok {
		return nil, fmt.Errorf("%s:%d holds no map %s in the source (%s): the source has changed since the binary was built, or the access is one mapvet does not model",
			p.rel(f0.file), f0.Line, kindNoun(kind), p.sourceLine(f0.file, f0.Line))
	}
	s := &site{g: g, frame: f0, acc: acc, stack: map[*ssa.Function]bool{}}
	for _, f := range frames {
		if f.fn != nil {
			s.stack[origin(f.fn)] = true
		}
	}
	an.walk(s, c, frames)
	s.spawned = -1
	s.entry = an.crashEntry(s, g, frames)
	return s, nil
}

// opAt returns the map operation of kind at a frame's line, preferring the
// exact kind; a line with only other kinds of map operation yields one of
// those (a crash's kind is the runtime's view: m[k]++ is a read and a write
// in the source and one assignment in the runtime).
func (an *analysis) opAt(f userFrame, kind ops.Kind) (access, bool) {
	var fallback *access
	for _, acc := range an.info(f.fn).accs {
		if !acc.own || an.p.fset.Position(acc.op).Line != f.Line {
			continue
		}
		if acc.kind == kind {
			return acc, true
		}
		if fallback == nil {
			a := acc
			fallback = &a
		}
	}
	if fallback != nil {
		return *fallback, true
	}
	return access{}, false
}

// maxSteps bounds the walk up the stack (closures nest, frames repeat).
const maxSteps = 64

// walk goes up the crash stack until the map has an identity. Past the
// go statement that started the crashing goroutine, it goes on up the
// stack of the goroutine that ran it, when the dump has it
// (GOTRACEBACK=all) and that goroutine is still in the function.
func (an *analysis) walk(s *site, c *crashlog.Crash, frames []userFrame) {
	cur := s.acc
	k := 0
	g := s.g
	started := false // g's go statement has been read
	for range maxSteps {
		if cur.key != "" {
			s.id, s.at = identity{key: cur.key}, cur
			return
		}
		if key := an.p.returnedKey(cur.ref); key != "" {
			// A map a getter returned (often after unlocking): the
			// field it returns.
			cur.key = key
			continue
		}
		if cur.ref.Kind == ref.Local || cur.ref.Kind == ref.Global {
			s.id, s.at = identity{root: cur.fn, ref: cur.ref}, cur
			return
		}
		next, nk, ok := an.up(g, frames, k, cur, &started)
		if !ok && started {
			if cg, cf, ck := an.creatorFrame(c, g, cur.fn); cg != nil {
				g, frames, k, started = cg, cf, ck, false
				continue
			}
		}
		if !ok || next.fn == cur.fn && next.ref == cur.ref {
			break
		}
		cur, k = next, nk
	}
	s.id, s.at = identity{root: cur.fn, ref: cur.ref}, cur
	s.note = fmt.Sprintf("the map is %s of %s, and the crash stack does not show the caller that passed it", paramWord(cur.ref), funcName(cur.fn))
}

// creatorFrame finds, in the dump, the goroutine that started g and its
// frame in fn.
func (an *analysis) creatorFrame(c *crashlog.Crash, g *crashlog.Goroutine, fn *ssa.Function) (*crashlog.Goroutine, []userFrame, int) {
	if g.CreatorID == 0 {
		return nil, nil, 0
	}
	for _, cg := range c.Goroutines {
		if cg.ID != g.CreatorID {
			continue
		}
		frames := an.p.userFrames(cg)
		for i, f := range frames {
			if f.fn == fn {
				return cg, frames, i
			}
		}
	}
	return nil, nil, 0
}

// up names cur (an access through a parameter or free variable of the
// function of frames[k]) one level up: in the caller at its frame, in the
// function whose go statement started the goroutine (once), or where the
// closure was made.
func (an *analysis) up(g *crashlog.Goroutine, frames []userFrame, k int, cur access, started *bool) (access, int, bool) {
	p := an.p
	if k+1 < len(frames) {
		f := frames[k+1]
		if f.fn != nil {
			if acc, ok := an.contextAt(f.fn, f.Line, cur.op, false); ok {
				return acc, k + 1, true
			}
			// A deferred call runs at the function's return, not at the
			// line of its defer statement.
			if acc, ok := an.deferredIn(f.fn, cur.op); ok {
				return acc, k + 1, true
			}
		}
	} else if cb, ok := p.createdBy(g); ok && cb.fn != nil && !*started {
		*started = true
		if acc, ok := an.contextAt(cb.fn, cb.Line, cur.op, true); ok {
			return acc, len(frames), true
		}
	}
	if cur.ref.Kind == ref.FreeVar {
		if acc, ok := an.boundAt(cur); ok {
			// The closure's frame is gone; what called it is not the
			// closure's creator.
			return acc, len(frames), true
		}
	}
	return access{}, 0, false
}

// contextAt finds, in fn's result, the operation op as reached from line
// (a call there, or a goroutine started there when started is set).
func (an *analysis) contextAt(fn *ssa.Function, line int, op token.Pos, started bool) (access, bool) {
	for _, acc := range an.info(fn).accs {
		if acc.op != op || acc.own || an.p.fset.Position(acc.at).Line != line {
			continue
		}
		if started && acc.g < 0 {
			continue
		}
		return acc, true
	}
	return access{}, false
}

// returnedKey returns the type-level key of the map a function call
// returned, when r is that result itself and every return of the callee
// gives a field or global with the same key: `for k := range c.Items()`
// where Items returns c.items.
func (p *program) returnedKey(r ref.Ref) string {
	if r.Kind != ref.Local || strings.Trim(r.Path, "*&") != "" {
		return ""
	}
	idx := 0
	v := r.Value
	if x, ok := v.(*ssa.Extract); ok {
		v, idx = x.Tuple, x.Index
	}
	call, ok := v.(*ssa.Call)
	if !ok {
		return ""
	}
	callee := call.Call.StaticCallee()
	if callee == nil || len(callee.Blocks) == 0 {
		return ""
	}
	key := ""
	for _, b := range callee.Blocks {
		if b == callee.Recover {
			continue // returns the results after a recovered panic
		}
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || idx >= len(ret.Results) {
			continue
		}
		for _, rr := range ref.Of(ret.Results[idx]) {
			k := p.refKey(rr, callee)
			if k == "" || key != "" && k != key {
				return ""
			}
			key = k
		}
	}
	return key
}

// deferredIn finds op among the accesses of fn's deferred calls.
func (an *analysis) deferredIn(fn *ssa.Function, op token.Pos) (access, bool) {
	for _, acc := range an.info(fn).accs {
		if acc.op == op && acc.d >= 0 {
			return acc, true
		}
	}
	return access{}, false
}

// boundAt names a closure's access through a free variable in the terms
// of the function that made the closure: as the goroutine it starts there
// (or the deferred call, or the call) when the engine followed it, else
// through the closure's bindings.
func (an *analysis) boundAt(cur access) (access, bool) {
	fn := cur.fn
	parent := fn.Parent()
	if parent == nil {
		return access{}, false
	}
	var best *access
	for _, acc := range an.info(parent).accs {
		if acc.op != cur.op || acc.own {
			continue
		}
		if best == nil || acc.g >= 0 && best.g < 0 {
			a := acc
			best = &a
		}
	}
	if best != nil {
		return *best, true
	}
	for _, b := range parent.Blocks {
		for _, instr := range b.Instrs {
			mc, ok := instr.(*ssa.MakeClosure)
			if !ok || mc.Fn != fn {
				continue
			}
			frees := make([][]ref.Ref, len(mc.Bindings))
			for i, v := range mc.Bindings {
				frees[i] = ref.Of(v)
			}
			rs := ref.Subst(cur.ref, nil, frees)
			if len(rs) == 0 {
				return access{}, false
			}
			acc := cur
			acc.fn, acc.ref, acc.at, acc.own, acc.g, acc.d, acc.running = parent, rs[0], mc.Pos(), false, -1, -1, nil
			acc.key = an.p.refKey(rs[0], parent)
			return acc, true
		}
	}
	return access{}, false
}

// crashEntry returns where the crashing goroutine began: the go statement
// of its created-by frame, the entries of its outermost user function when
// a library started it, the main goroutine when nothing created it.
func (an *analysis) crashEntry(s *site, g *crashlog.Goroutine, frames []userFrame) []entry {
	p := an.p
	if g.CreatedBy == nil {
		if g.Elided || len(g.Frames) == 0 {
			return nil // the bottom of the stack is not in the dump
		}
		// The main goroutine, in main or in an init function.
		last := g.Frames[len(g.Frames)-1]
		if last.Func == "main.main" || last.Func == "runtime.main" || strings.HasPrefix(last.Func, "main.init") {
			return []entry{{kind: entryMain}}
		}
		return nil
	}
	if cb, ok := p.createdBy(g); ok && cb.fn != nil {
		if gs := goAt(cb.fn, p.fset, cb.Line); gs != nil {
			multi := inLoop(gs.Block()) || !once(cb.fn)
			s.spawner = cb.fn
			for i, x := range an.info(cb.fn).gs {
				if x.pos == gs.Pos() {
					s.spawned = i
				}
			}
			return []entry{{kind: entryGo, pos: gs.Pos(), fn: nil, multi: multi}}
		}
	}
	// Started by a library (time.goFunc, net/http, testing): the
	// outermost user function of the goroutine is where it began.
	for i := len(frames) - 1; i >= 0; i-- {
		if frames[i].fn != nil {
			return p.callGraph().entries(frames[i].fn)
		}
	}
	return nil
}

func outermost(fn *ssa.Function) *ssa.Function {
	for fn.Parent() != nil {
		fn = fn.Parent()
	}
	return fn
}

// onStack reports whether fn is on the crashing goroutine's stack.
func (s *site) onStack(fn *ssa.Function) bool {
	return fn != nil && s.stack[origin(fn)]
}

// goAt returns the go statement of fn at line, or nil.
func goAt(fn *ssa.Function, fset *token.FileSet, line int) *ssa.Go {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if g, ok := instr.(*ssa.Go); ok && fset.Position(g.Pos()).Line == line {
				return g
			}
		}
	}
	return nil
}

func paramWord(r ref.Ref) string {
	if r.Kind == ref.FreeVar {
		return "a captured variable"
	}
	return "a parameter"
}

func kindNoun(k ops.Kind) string {
	switch k {
	case ops.Write:
		return "write"
	case ops.Read:
		return "read"
	case ops.Iterate:
		return "iteration"
	case ops.Clone:
		return "clone"
	}
	return "operation"
}

// sourceLine returns a line of a file, trimmed, for messages.
func (p *program) sourceLine(file string, line int) string {
	tf := p.fileOf(file)
	if tf == nil || line < 1 || line > tf.LineCount() {
		return "line not in the file"
	}
	src := p.src[file]
	start := tf.Offset(tf.LineStart(line))
	end := len(src)
	if line < tf.LineCount() {
		end = tf.Offset(tf.LineStart(line + 1))
	}
	if start > len(src) || end > len(src) {
		return "?"
	}
	return "`" + strings.TrimSpace(string(src[start:end])) + "`"
}
