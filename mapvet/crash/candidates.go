package crash

import (
	"go/token"
	"sort"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Candidates are the other accesses to the crashed map, one per operation
// in the source, ranked by how well each explains the crash. The runtime
// reports a map crash only when one side was writing (a write sets the
// map's writing flag; the reporter saw it set), so the other side is a
// write whatever the message; reads and iterations are listed after the
// writes for completeness.
//
// The ranking, first to last:
//
//	seen      a goroutine of a GOTRACEBACK=all dump was inside the write's function
//	          (at the write's line first) when the program died
//	likely    a write that holds no lock in common with the crashing access and
//	          may run on another goroutine than the one that crashed
//	possible  such a write where no goroutine is known to reach it
//	unlikely  a write that shares a lock with the crashing access, runs only on
//	          the goroutine that crashed, or fills a map its function just made
//	other     reads, iterations and clones (they cannot be the other side)

// tier orders candidates; lower is better.
type tier uint8

const (
	tierSeen tier = iota
	tierLikely
	tierPossible
	tierUnlikely
	tierOther
)

// concurrency is the verdict on whether a candidate can run at the same
// time as the crashing access.
type concurrency uint8

const (
	concUnknown concurrency = iota
	concYes
	concNo
)

// candidate is one operation on the crashed map.
type candidate struct {
	op    token.Pos
	pos   token.Position
	kind  ops.Kind
	verb  string
	fn    *ssa.Function // the function that performs it
	ctxs  []access      // its contexts: in fn, and in functions that reach it
	locks []lock        // held on every path seen (a must-set)
	fresh bool          // only ever on a map or struct its function just allocated
	self  bool          // the crashing access itself (another goroutine running the same line)
	// ordered is set when the only goroutine that reaches it makes it
	// while the crashing goroutine is not running (before its go
	// statement, after a join).
	ordered bool

	conc    concurrency
	why     entry // the entry that makes it concurrent (or the one that does not), when known
	whyEng  int   // a goroutine index in the identity's root function when the engine decided; -1 otherwise
	entries []entry
	seen    []sighting
	tier    tier
}

// candidates lists and ranks the accesses to s's map.
func (an *analysis) candidates(s *site) []*candidate {
	var ctxs []access
	if s.id.key != "" {
		for _, sp := range an.relevant(s.id.key) {
			for _, fn := range sp.funcs {
				for _, acc := range an.info(fn).accs {
					if acc.key == s.id.key && acc.op.IsValid() {
						ctxs = append(ctxs, acc)
					}
				}
			}
		}
	} else {
		for _, acc := range an.info(s.id.root).accs {
			if acc.ref == s.id.ref && acc.op.IsValid() {
				ctxs = append(ctxs, acc)
			}
		}
	}
	byOp := map[string]*candidate{}
	var out []*candidate
	for _, acc := range ctxs {
		pos := an.p.fset.Position(acc.op)
		k := pos.String() + "|" + acc.kind.String()
		c := byOp[k]
		if c == nil {
			c = &candidate{op: acc.op, pos: pos, kind: acc.kind, verb: acc.verb, fresh: true, whyEng: -1}
			byOp[k] = c
			out = append(out, c)
		}
		c.ctxs = append(c.ctxs, acc)
		if acc.own {
			c.fn = acc.fn
		}
		c.fresh = c.fresh && acc.fresh
	}
	crashPos := an.p.fset.Position(s.acc.op)
	kept := out[:0]
	for _, c := range out {
		if c.fn == nil {
			c.fn = an.p.funcAt(c.pos.Filename, c.pos.Line)
		}
		c.locks = mustLocks(c.ctxs)
		c.self = c.pos == crashPos && c.kind == s.acc.kind
		if c.pos == crashPos && c.kind != ops.Write {
			continue // a read does not race with itself
		}
		kept = append(kept, c)
	}
	return kept
}

// relevant returns the packages that can name key's package: it and the
// packages that import it, directly or not.
func (an *analysis) relevant(key string) []*srcPkg {
	path := key[:strings.LastIndexByte(key, '.')]
	if i := strings.LastIndexByte(path, '.'); i > strings.LastIndexByte(path, '/') {
		path = path[:i] // "pkg.T.f": the package is before "T"
	}
	memo := map[string]bool{}
	var reaches func(p string, seen map[string]bool) bool
	importsOf := map[string][]string{}
	for _, sp := range an.p.srcPkgs {
		for _, imp := range sp.pkg.Pkg.Imports() {
			importsOf[sp.pkg.Pkg.Path()] = append(importsOf[sp.pkg.Pkg.Path()], imp.Path())
		}
	}
	reaches = func(p string, seen map[string]bool) bool {
		if p == path {
			return true
		}
		if v, ok := memo[p]; ok {
			return v
		}
		if seen[p] {
			return false
		}
		seen[p] = true
		r := false
		for _, imp := range importsOf[p] {
			if reaches(imp, seen) {
				r = true
				break
			}
		}
		memo[p] = r
		return r
	}
	var out []*srcPkg
	for _, sp := range an.p.srcPkgs {
		if reaches(sp.pkg.Pkg.Path(), map[string]bool{}) {
			out = append(out, sp)
		}
	}
	return out
}

// mustLocks returns the locks held at an operation on every path seen:
// those its own function holds there, plus those held at every call that
// leads to it from the functions that reach it. Locks are compared at the
// type level (or by name when they have none), since each context names
// them in its own function's terms.
func mustLocks(ctxs []access) []lock {
	var own []lock
	var callers [][]lock
	for _, c := range ctxs {
		if c.own {
			own = unionLocks(own, c.locks)
		} else {
			callers = append(callers, c.locks)
		}
	}
	if len(callers) == 0 {
		return own
	}
	common := callers[0]
	for _, ls := range callers[1:] {
		common = intersectLocks(common, ls)
	}
	return unionLocks(own, common)
}

func lockID(l lock) string {
	if l.key != "" {
		return l.key
	}
	return l.name
}

func unionLocks(a, b []lock) []lock {
	out := append([]lock(nil), a...)
	for _, y := range b {
		found := false
		for i, x := range out {
			if lockID(x) == lockID(y) {
				found = true
				out[i].shared = x.shared && y.shared
			}
		}
		if !found {
			out = append(out, y)
		}
	}
	return out
}

func intersectLocks(a, b []lock) []lock {
	var out []lock
	for _, x := range a {
		for _, y := range b {
			if lockID(x) == lockID(y) {
				x.shared = x.shared || y.shared
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// judge decides, for each candidate, whether it can run at the same time
// as the crashing access.
func (an *analysis) judge(s *site, cands []*candidate) {
	for _, c := range cands {
		if s.id.key == "" {
			an.judgeLocal(s, c)
		}
		if c.conc == concUnknown && c.fn != nil {
			an.judgeEntries(s, c)
		}
	}
}

// rankAll orders the candidates, best explanation first.
func rankAll(s *site, cands []*candidate) {
	for _, c := range cands {
		c.tier = rank(s, c)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.tier != b.tier {
			return a.tier < b.tier
		}
		if ea, eb := exactSeen(a), exactSeen(b); ea != eb {
			return ea
		}
		if a.self != b.self {
			return !a.self // another line before the crash's own line
		}
		if a.pos.Filename != b.pos.Filename {
			return a.pos.Filename < b.pos.Filename
		}
		if a.pos.Line != b.pos.Line {
			return a.pos.Line < b.pos.Line
		}
		return a.pos.Column < b.pos.Column
	})
}

func rank(s *site, c *candidate) tier {
	if c.kind != ops.Write {
		return tierOther
	}
	demoted := c.fresh || c.conc == concNo || excludes(s.at.locks, c.locks)
	// A goroutine at the write's very line (or inside the runtime's map
	// code from it) was writing, whatever the static view says; one
	// elsewhere in the function, or known only by its start, counts only
	// when the static view does not rule the write out.
	if exactSeen(c) || !demoted && strongSeen(c) {
		return tierSeen
	}
	if demoted {
		return tierUnlikely
	}
	if c.conc == concYes {
		return tierLikely
	}
	return tierPossible
}

// strongSeen reports whether a goroutine of the dump was writing, or about
// to write, when the program died: at the write's line, inside the map
// code, running elsewhere in the writer's function, or on another thread
// (started by one of the write's go statements). A goroutine blocked
// somewhere else in the function (a channel, a select, a sleep) was not.
func strongSeen(c *candidate) bool {
	for _, w := range c.seen {
		if w.strong() {
			return true
		}
	}
	return false
}

func (w sighting) strong() bool {
	return w.exact || w.inMap || w.start || w.g.State == "running" || w.g.State == "runnable"
}

func exactSeen(c *candidate) bool {
	for _, w := range c.seen {
		if w.exact || w.inMap {
			return true
		}
	}
	return false
}

// judgeLocal uses the engine's view of the identity's root function: which
// of its goroutines may run while each access happens.
func (an *analysis) judgeLocal(s *site, c *candidate) {
	fi := an.info(s.id.root)
	for _, y := range c.ctxs {
		if y.fn != s.id.root {
			continue
		}
		if ok, g := mayOverlap(fi, s.at, y); ok {
			c.conc, c.whyEng = concYes, g
			return
		}
	}
	// The engine saw both sides in one function and no goroutine between
	// them: the same goroutine, unless the root itself runs several times
	// at once over one map, which a map it made cannot be.
	if s.id.ref.Kind == ref.Local {
		c.conc = concNo
	}
}

// mayOverlap reports whether two accesses of one function's result may run
// at the same time, and the goroutine of the function that makes it so:
// two goroutines that overlap (or siblings of one start), or a goroutine
// running while the function itself (or one of its deferred calls) makes
// the other access.
func mayOverlap(fi *fnInfo, x, y access) (bool, int) {
	switch {
	case x.g >= 0 && y.g >= 0 && x.g == y.g:
		return fi.gs[x.g].siblings, x.g
	case x.g >= 0 && y.g >= 0:
		return contains(fi.gs[x.g].overlaps, y.g), y.g
	case x.g >= 0:
		return runsDuring(fi, y, x.g), x.g
	case y.g >= 0:
		return runsDuring(fi, x, y.g), y.g
	}
	return false, -1
}

// runsDuring reports whether goroutine g may run while the function (or
// its deferred call) makes access a.
func runsDuring(fi *fnInfo, a access, g int) bool {
	if a.d >= 0 {
		return contains(fi.defers[a.d].running, g)
	}
	return contains(a.running, g)
}

// judgeEntries compares the goroutines that reach the candidate with the
// one that crashed.
func (an *analysis) judgeEntries(s *site, c *candidate) {
	c.entries = an.p.callGraph().entries(c.fn)
	if len(c.entries) == 0 {
		return
	}
	for _, e := range c.entries {
		if e.kind == entryInit {
			continue // runs before any goroutine it did not start itself
		}
		same := sameEntry(an.p.fset, e, s.entry)
		if same && !e.multi {
			continue
		}
		if an.beforeOrAfter(s, c, e) {
			c.ordered = true
			continue
		}
		// Prefer a goroutine the crashing goroutine started itself: the
		// other side of the crash is most often its sibling.
		if c.conc != concYes || s.onStack(e.from) && !s.onStack(c.why.from) {
			c.conc, c.why = concYes, e
		}
	}
	if c.conc == concYes {
		return
	}
	if len(s.entry) > 0 || c.ordered {
		c.conc = concNo
		c.why = c.entries[0]
	}
}

// beforeOrAfter reports whether the engine shows that the goroutine
// beginning at e makes the candidate's access only while the crashing
// goroutine is not running: e begins in the function whose go statement
// started the crashing goroutine (main, say), that function runs once,
// and none of its paths to the access has that goroutine running (the
// write fills the map before the go statement, or after a join).
func (an *analysis) beforeOrAfter(s *site, c *candidate, e entry) bool {
	S := s.spawner
	if S == nil || s.spawned < 0 || e.fn != origin(S) || !once(S) {
		return false
	}
	seen := false
	for _, x := range c.ctxs {
		if x.fn != S || x.g >= 0 || x.d >= 0 {
			continue
		}
		seen = true
		if contains(x.running, s.spawned) {
			return false
		}
	}
	return seen
}

// sameEntry reports whether e is one of the crashing goroutine's entries.
func sameEntry(fset *token.FileSet, e entry, crash []entry) bool {
	for _, x := range crash {
		if x.kind != e.kind {
			continue
		}
		if x.kind == entryMain {
			return true
		}
		px, pe := fset.Position(x.pos), fset.Position(e.pos)
		if px.Filename == pe.Filename && px.Line == pe.Line {
			return true
		}
	}
	return false
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
