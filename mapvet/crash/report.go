package crash

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/crash/crashlog"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Report is what mapvet crash found for one crash. Its JSON form is the
// -json output; the text form prints Message fields as
// "path:line:col: message" lines.
type Report struct {
	Line       int         `json:"line"` // where the crash starts in the log
	Fatal      string      `json:"fatal"`
	Goroutine  int         `json:"goroutine"` // the goroutine that reported it
	Crash      Access      `json:"access"`
	Map        string      `json:"map"` // the map's identity: "cache.Cache.items", "m (main.main)"
	Candidates []Candidate `json:"candidates"`
	More       int         `json:"more"`       // candidates left out by -n
	Goroutines int         `json:"goroutines"` // in the dump
	Truncated  bool        `json:"truncated,omitempty"`
	Warnings   []string    `json:"warnings,omitempty"`
	Notes      []string    `json:"notes,omitempty"`
}

// Access is one operation on the map.
type Access struct {
	Posn    string `json:"posn"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Func    string `json:"func"`
	Kind    string `json:"kind"` // "write", "read", "iteration", "clone"
	Op      string `json:"op"`   // "assign", "delete", "clear", "range", "maps.Copy", ...
	Map     string `json:"map"`  // as the code there writes it
	Locks   []Lock `json:"locks"`
	Message string `json:"message"`
}

// Lock is a lock held at an access.
type Lock struct {
	Name   string `json:"name"`
	Shared bool   `json:"shared,omitempty"` // an RLock
}

// Candidate is a ranked access to the crashed map.
type Candidate struct {
	Rank int `json:"rank"`
	Access
	// Concurrent is "yes" when the candidate may run at the same time as
	// the crashing access, "no" when it cannot, "unknown" otherwise.
	Concurrent string     `json:"concurrent"`
	Self       bool       `json:"self,omitempty"` // the crashing line itself, on another goroutine
	Entries    []Entry    `json:"entries,omitempty"`
	Seen       []Sighting `json:"goroutines,omitempty"`
}

// Entry is a place where a goroutine that reaches the candidate begins.
type Entry struct {
	How   string `json:"how"` // "go statement", "time.AfterFunc", "net/http handler", "main goroutine", ...
	Posn  string `json:"posn,omitempty"`
	Func  string `json:"func,omitempty"`
	Multi bool   `json:"multi,omitempty"` // several may run at once
}

// Sighting is a goroutine of the dump that was in the candidate's function.
type Sighting struct {
	ID          int    `json:"id"`
	State       string `json:"state"`
	Posn        string `json:"posn"`                  // its frame there; the go statement for Unavailable
	Exact       bool   `json:"exact,omitempty"`       // at the candidate's line
	InMapCode   bool   `json:"in_map_code,omitempty"` // inside the runtime's map code from that line
	Unavailable bool   `json:"unavailable,omitempty"`
}

// maxEntries bounds the entries a candidate lists.
const maxEntries = 4

func (an *analysis) report(c *crashlog.Crash, s *site, cands []*candidate, n int) *Report {
	p := an.p
	r := &Report{
		Line:       c.Line,
		Fatal:      c.Fatal,
		Goroutine:  s.g.ID,
		Map:        an.identityName(s),
		Goroutines: len(c.Goroutines),
		Truncated:  c.Truncated,
		Candidates: []Candidate{},
	}
	r.Warnings = p.buildWarnings(c)
	if s.note != "" {
		r.Notes = append(r.Notes, s.note)
	}
	if c.Truncated {
		r.Notes = append(r.Notes, fmt.Sprintf("the dump is cut off after goroutine %d", c.Goroutines[len(c.Goroutines)-1].ID))
	}
	if !anyLikelyWrite(cands) {
		r.Notes = append(r.Notes, "no write found that can run at the same time as the crashing access: the other writer may be one mapvet does not see (reflect.Value.SetMapIndex, unsafe, a map held in an interface, a slice or another map, a package not given)")
	}
	r.Crash = an.accessOf(s.acc.op, s.acc.kind, s.acc.verb, s.acc.fn, s.acc.ref, s.at.locks)
	r.Crash.Message = fmt.Sprintf("goroutine %d crashed here with %q: %s", s.g.ID, c.Fatal, an.crashPhrase(s))
	for i, cd := range cands {
		if i == n {
			r.More = len(cands) - n
			break
		}
		own := an.ownAt(cd)
		out := Candidate{Rank: i + 1, Self: cd.self, Concurrent: [...]string{"unknown", "yes", "no"}[cd.conc]}
		out.Access = an.accessOf(cd.op, cd.kind, cd.verb, own.fn, own.ref, cd.locks)
		if cd.kind == ops.Write && cd.fn != nil && cd.entries == nil {
			cd.entries = p.callGraph().entries(cd.fn)
		}
		for j, e := range cd.entries {
			if j == maxEntries {
				break
			}
			out.Entries = append(out.Entries, an.entryOf(e))
		}
		for _, w := range cd.seen {
			out.Seen = append(out.Seen, Sighting{
				ID: w.g.ID, State: w.g.State, Posn: an.remotePosn(w.frame),
				Exact: w.exact, InMapCode: w.inMap, Unavailable: w.start,
			})
		}
		out.Message = fmt.Sprintf("candidate %d: %s", i+1, an.candidatePhrase(s, cd, out))
		r.Candidates = append(r.Candidates, out)
	}
	return r
}

// anyLikelyWrite reports whether some write candidate is not ruled out.
func anyLikelyWrite(cands []*candidate) bool {
	for _, c := range cands {
		if c.kind == ops.Write && c.tier < tierUnlikely {
			return true
		}
	}
	return false
}

func (an *analysis) accessOf(op token.Pos, kind ops.Kind, verb string, fn *ssa.Function, r ref.Ref, locks []lock) Access {
	pos := an.p.fset.Position(op)
	a := Access{
		Posn: fmt.Sprintf("%s:%d:%d", an.p.rel(pos.Filename), pos.Line, pos.Column),
		File: pos.Filename, Line: pos.Line, Column: pos.Column,
		Func: funcName(fn), Kind: kind.String(), Op: verb, Map: mapName(r, fn), Locks: []Lock{},
	}
	for _, l := range locks {
		a.Locks = append(a.Locks, Lock{Name: l.name, Shared: l.shared})
	}
	return a
}

// ownAt returns the candidate's operation as its own function names it,
// or its first context when that function is not known.
func (an *analysis) ownAt(cd *candidate) access {
	if cd.fn != nil {
		for _, acc := range an.info(cd.fn).accs {
			if acc.own && acc.op == cd.op {
				return acc
			}
		}
	}
	return cd.ctxs[0]
}

// identityName renders the map's identity.
func (an *analysis) identityName(s *site) string {
	if s.id.key != "" {
		return shortKey(s.id.key)
	}
	return fmt.Sprintf("%s in %s", mapName(s.id.ref, s.id.root), funcName(s.id.root))
}

// shortKey shortens "example.com/app/cache.Cache.items" to "cache.Cache.items".
func shortKey(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[i+1:]
	}
	return key
}

func (an *analysis) crashPhrase(s *site) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s, %s", opPhrase(s.acc.kind, s.acc.verb, mapName(s.acc.ref, s.acc.fn)), funcName(s.acc.fn), holding(s.at.locks))
	switch {
	case s.id.key != "":
		fmt.Fprintf(&b, "; the map is %s", identityWord(s.id.key, an))
	case s.id.root != s.acc.fn:
		fmt.Fprintf(&b, "; the map is %s in %s", mapName(s.id.ref, s.id.root), funcName(s.id.root))
	}
	return b.String()
}

func identityWord(key string, an *analysis) string {
	path, name := splitKey(key)
	if pkg := an.p.prog.ImportedPackage(path); pkg != nil {
		if _, ok := pkg.Members[name].(*ssa.Global); ok {
			return "package variable " + shortKey(key)
		}
	}
	return "field " + shortKey(key)
}

func (an *analysis) candidatePhrase(s *site, cd *candidate, out Candidate) string {
	var b strings.Builder
	what := fmt.Sprintf("%s in %s", opPhrase(cd.kind, cd.verb, out.Map), out.Func)
	locks := an.lockContrast(s.at.locks, cd.locks)
	if cd.tier == tierSeen {
		w := cd.seen[0]
		for _, x := range cd.seen {
			if x.strong() {
				w = x
				break
			}
		}
		switch {
		case w.start:
			fmt.Fprintf(&b, "goroutine %d was running on another thread when the program died (its stack is not in the dump); it was started by %s at %s, which reaches this %s, %s",
				w.g.ID, w.frame.Func, an.remotePosn(w.frame), what, locks)
		case w.inMap:
			fmt.Fprintf(&b, "goroutine %d was inside this %s when the program died (in the runtime's map code), %s", w.g.ID, what, locks)
		case w.exact:
			fmt.Fprintf(&b, "goroutine %d was at this %s when the program died [%s], %s", w.g.ID, what, w.g.State, locks)
		default:
			fmt.Fprintf(&b, "goroutine %d was in %s at %s when the program died; that function makes this %s, %s",
				w.g.ID, out.Func, an.remotePosn(w.frame), opPhrase(cd.kind, cd.verb, out.Map), locks)
		}
		if len(cd.seen) > 1 {
			fmt.Fprintf(&b, " (and %d more goroutines)", len(cd.seen)-1)
		}
		return b.String()
	}
	b.WriteString(what)
	b.WriteString(", ")
	b.WriteString(locks)
	if cd.self {
		b.WriteString("; the crashing line itself")
	}
	switch {
	case cd.kind != ops.Write:
		b.WriteString("; not a write, so not the other side of this crash")
	case cd.fresh:
		b.WriteString("; on a map its function has just made")
	case cd.conc == concYes && cd.whyEng >= 0:
		fmt.Fprintf(&b, "; may run while %s runs", an.goroutineWord(s.id.root, cd.whyEng))
	case cd.conc == concYes:
		fmt.Fprintf(&b, "; reached from %s", an.entryWord(cd.why))
	case cd.conc == concNo && cd.ordered:
		b.WriteString("; made while the goroutine that crashed is not running (before its go statement or after a join)")
	case cd.conc == concNo && len(s.entry) > 0 && s.id.key != "":
		b.WriteString("; reached only from the goroutine that crashed")
	case cd.conc == concNo:
		b.WriteString("; cannot run at the same time as the crashing access")
	case len(cd.entries) == 0:
		b.WriteString("; no goroutine found that reaches it")
	}
	return b.String()
}

// lockContrast says what the candidate holds, naming the locks the
// crashing access holds that it does not.
func (an *analysis) lockContrast(crash, cand []lock) string {
	if excludes(crash, cand) {
		return holding(cand) + ", as the crashing access does"
	}
	var missing []string
	for _, l := range crash {
		if len(intersectLocks([]lock{l}, cand)) == 0 {
			missing = append(missing, l.name)
		}
	}
	switch {
	case len(cand) == 0 && len(missing) == 0:
		return "without a lock"
	case len(missing) > 0 && len(cand) == 0:
		return "without " + strings.Join(missing, " or ")
	case len(missing) > 0:
		return holding(cand) + " but not " + strings.Join(missing, " or ")
	}
	return holding(cand)
}

func holding(ls []lock) string {
	if len(ls) == 0 {
		return "holding no lock"
	}
	var names []string
	for _, l := range ls {
		if l.shared {
			names = append(names, l.name+" (read lock)")
		} else {
			names = append(names, l.name)
		}
	}
	return "holding " + strings.Join(names, " and ")
}

func opPhrase(k ops.Kind, verb, m string) string {
	switch k {
	case ops.Iterate:
		if verb == "range" {
			return "range over " + m
		}
		if ops.Printing(verb) {
			return "printing " + m + " with " + verb
		}
		return verb + " over " + m
	case ops.Read:
		return "read of " + m
	case ops.Clone:
		return "clone of " + m
	}
	switch verb {
	case "assign":
		return "write to " + m
	case "delete", "clear":
		return verb + " of " + m
	}
	return verb + " writing " + m
}

func (an *analysis) goroutineWord(root *ssa.Function, g int) string {
	fi := an.info(root)
	if g < 0 || g >= len(fi.gs) {
		return "another goroutine"
	}
	return "the goroutine started at " + an.shortPosn(fi.gs[g].pos)
}

func (an *analysis) entryWord(e entry) string {
	at := an.shortPosn(e.pos)
	switch e.kind {
	case entryMain:
		return "the main goroutine"
	case entryInit:
		return "package initialization"
	case entryGo:
		if e.multi {
			return "the goroutines started at " + at
		}
		return "the goroutine started at " + at
	case entryAfterFunc:
		return "the time.AfterFunc callback registered at " + at
	case entryErrgroup:
		return "the errgroup.Group.Go goroutine started at " + at
	case entryWaitGroup:
		return "the sync.WaitGroup.Go goroutine started at " + at
	case entryHandler:
		return "the net/http handler " + funcName(e.fn) + " (a goroutine per request)"
	case entryTest:
		if e.from != nil {
			return "the subtests started at " + at
		}
		return "test " + e.fn.Name()
	}
	return "callers of " + funcName(e.fn) + " outside these packages"
}

var entryHow = map[entryKind]string{
	entryUnknown: "unknown caller", entryMain: "main goroutine", entryInit: "package initialization",
	entryGo: "go statement", entryAfterFunc: "time.AfterFunc", entryErrgroup: "errgroup.Group.Go",
	entryWaitGroup: "sync.WaitGroup.Go", entryHandler: "net/http handler", entryTest: "test",
}

func (an *analysis) entryOf(e entry) Entry {
	out := Entry{How: entryHow[e.kind], Multi: e.multi}
	if e.pos.IsValid() {
		out.Posn = an.shortPosn(e.pos)
	}
	if e.fn != nil {
		out.Func = funcName(e.fn)
	}
	return out
}

// shortPosn renders a position as "file.go:12" relative to the working
// directory.
func (an *analysis) shortPosn(pos token.Pos) string {
	if !pos.IsValid() {
		return "?"
	}
	p := an.p.fset.Position(pos)
	return fmt.Sprintf("%s:%d", an.p.rel(p.Filename), p.Line)
}

// remotePosn renders a crash frame's position with its local file when it
// has one.
func (an *analysis) remotePosn(f crashlog.Frame) string {
	if l := an.p.localFile(f); l != "" {
		return fmt.Sprintf("%s:%d", an.p.rel(l), f.Line)
	}
	return fmt.Sprintf("%s:%d", f.File, f.Line)
}

// funcName names a function for messages: "writeA", "(*Cache).refresh",
// "the func literal in (*Cache).start".
func funcName(fn *ssa.Function) string {
	if fn == nil {
		return "?"
	}
	if top := fn.Parent(); top != nil {
		for top.Parent() != nil {
			top = top.Parent()
		}
		return "a func literal in " + funcName(top)
	}
	fn = origin(fn)
	if recv := fn.Signature.Recv(); recv != nil {
		name := types.TypeString(recv.Type(), func(*types.Package) string { return "" })
		return fmt.Sprintf("(%s).%s", name, fn.Name())
	}
	return fn.Name()
}

// rel renders a file name relative to the working directory (or -C dir)
// when it is inside it.
func (p *program) rel(name string) string {
	base := p.dir
	wd, _ := os.Getwd()
	if base == "" {
		base = wd
	} else if !filepath.IsAbs(base) {
		base = filepath.Join(wd, base)
	}
	if r, err := filepath.Rel(base, name); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return name
}

func writeText(stdout, stderr io.Writer, reports []*Report) error {
	for _, r := range reports {
		for _, w := range r.Warnings {
			fmt.Fprintf(stderr, "mapvet crash: warning: %s\n", w)
		}
		for _, n := range r.Notes {
			fmt.Fprintf(stderr, "mapvet crash: note: %s\n", n)
		}
		if _, err := fmt.Fprintf(stdout, "%s: %s\n", r.Crash.Posn, r.Crash.Message); err != nil {
			return err
		}
		if len(r.Candidates) == 0 {
			fmt.Fprintf(stdout, "%s: no other access to %s found in these packages\n", r.Crash.Posn, r.Map)
		}
		for _, c := range r.Candidates {
			fmt.Fprintf(stdout, "%s: %s\n", c.Posn, c.Message)
		}
		if r.More > 0 {
			fmt.Fprintf(stderr, "mapvet crash: %d more candidate(s); -n %d shows them\n", r.More, len(r.Candidates)+r.More)
		}
	}
	return nil
}

func writeJSON(w io.Writer, reports []*Report) error {
	if reports == nil {
		reports = []*Report{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Crashes []*Report `json:"crashes"`
	}{reports})
}

// mapName renders r, in fn's terms, as the program writes it. A map made
// in fn (make, a literal, a call's result) has no name in SSA form: it is
// named after the variable the source assigns it to.
func mapName(r ref.Ref, fn *ssa.Function) string {
	if r.Kind == ref.Local && r.Value != nil && fn != nil && fn.Syntax() != nil {
		if name := assignedName(fn.Syntax(), r.Value.Pos()); name != "" {
			return r.Render(name)
		}
	}
	return r.Name(fn)
}

// assignedName returns the variable that an assignment or declaration in
// n gives the value of the call (by its parenthesis) or composite literal
// (by its brace) at pos.
func assignedName(n ast.Node, pos token.Pos) string {
	if !pos.IsValid() {
		return ""
	}
	at := func(e ast.Expr) bool {
		e = ast.Unparen(e)
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
			e = ast.Unparen(u.X)
		}
		switch x := e.(type) {
		case *ast.CallExpr:
			return x.Lparen == pos
		case *ast.CompositeLit:
			return x.Lbrace == pos
		}
		return false
	}
	name := ""
	ast.Inspect(n, func(n ast.Node) bool {
		if name != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, rhs := range n.Rhs {
				if id, ok := n.Lhs[min(i, len(n.Lhs)-1)].(*ast.Ident); ok && at(rhs) {
					name = id.Name
				}
			}
		case *ast.ValueSpec:
			for i, v := range n.Values {
				if i < len(n.Names) && at(v) {
					name = n.Names[i].Name
				}
			}
		}
		return true
	})
	return name
}
