package realcode

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Cost is the cost of one bounded command, as recorded in the results.
type Cost struct {
	Seconds  float64 `json:"seconds"`
	MaxRSSMB float64 `json:"max_rss_mb"`
	Exit     int     `json:"exit"`
	Exceeded string  `json:"exceeded,omitempty"` // "time" or "memory"
	Error    string  `json:"error,omitempty"`    // the end of standard error of a failed run
}

func costOf(m Measure) Cost {
	return Cost{Seconds: m.Wall.Seconds(), MaxRSSMB: float64(m.MaxRSSKB) / 1024, Exit: m.Exit, Exceeded: m.Exceeded}
}

// Result is one target's run: what was checked, at what cost, and the
// findings, positions relative to the module root. It is saved as JSON so
// that a comparison can be redone without running again.
type Result struct {
	Name     string    `json:"name"`
	Key      string    `json:"key"` // module@version
	Patterns []string  `json:"patterns"`
	Packages int       `json:"packages"`
	Dirs     []string  `json:"dirs"` // the checked packages' directories, relative to the module root
	Mapvet   *Cost     `json:"mapvet,omitempty"`
	Vet      *Cost     `json:"vet,omitempty"`
	Findings []Finding `json:"findings"`
	Error    string    `json:"error,omitempty"` // the target could not be set up or mapvet failed
}

// Completed reports whether mapvet ran to the end, so that its findings are
// the whole answer.
func (r Result) Completed() bool {
	return r.Error == "" && r.Mapvet != nil && r.Mapvet.Exceeded == "" && (r.Mapvet.Exit == 0 || r.Mapvet.Exit == 3)
}

// Options are the choices of one evaluation run.
type Options struct {
	Mapvet string // the mapvet binary
	Work   string // where workspaces are kept
	Limits Limits
	Vet    bool // also time go vet
	Log    func(format string, args ...any)
}

// Run prepares one target and runs it: go list (packages), then, with the
// build cache warmed by go list -export -deps -test, go vet and mapvet.
func Run(t Target, o Options) Result {
	if t.Setup == SetupStd && t.Version == "" {
		v, err := goOut("", nil, "env", "GOVERSION")
		if err != nil {
			return Result{Name: t.Name, Key: t.Key(), Error: err.Error()}
		}
		t.Version = strings.TrimSpace(v)
	}
	r := Result{Name: t.Name, Key: t.Key(), Patterns: t.Packages}
	o.Log("%s: preparing %s (%s)", t.Name, t.Key(), t.Setup)
	ws, err := Prepare(t, o.Work)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	if err := listPackages(&r, ws, t.Packages); err != nil {
		r.Error = err.Error()
		return r
	}
	o.Log("%s: %d packages in %s", t.Name, r.Packages, ws.Dir)
	if o.Vet {
		o.Log("%s: warming the build cache (go list -export -deps -test)", t.Name)
		// Compiling is preparation, not what is measured: from an empty
		// cache, client-go's tests took more than 20 minutes here.
		warmLimits := o.Limits
		warmLimits.Timeout *= 3
		warm, err := Bounded(ws.Dir, ws.Env, warmLimits, "go", append([]string{"list", "-e", "-export", "-deps", "-test"}, t.Packages...)...)
		if err != nil {
			r.Error = err.Error()
			return r
		}
		if warm.Exceeded != "" || warm.Exit != 0 {
			r.Error = fmt.Sprintf("warming the build cache failed (exit %d, exceeded %q): %s", warm.Exit, warm.Exceeded, tail(warm.Stderr, 1000))
			return r
		}
		o.Log("%s: go vet", t.Name)
		// A flag value no earlier run used changes go vet's cache key, so
		// vet analyzes every package (and, for facts, every dependency)
		// again instead of replaying cached results; compiled export data
		// stays cached, as it is for mapvet's go list.
		nonce := fmt.Sprintf("-printf.funcs=realcodeNonce%d", time.Now().UnixNano())
		vet, err := Bounded(ws.Dir, ws.Env, o.Limits, "go", append([]string{"vet", nonce}, t.Packages...)...)
		if err != nil {
			r.Error = err.Error()
			return r
		}
		c := costOf(vet)
		if vet.Exit != 0 && vet.Exit != 1 || vet.Exceeded != "" {
			c.Error = tail(vet.Stderr, 500)
		}
		r.Vet = &c
	}
	o.Log("%s: mapvet", t.Name)
	mv, err := Bounded(ws.Dir, ws.Env, o.Limits, o.Mapvet, append([]string{"-json"}, t.Packages...)...)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	c := costOf(mv)
	r.Mapvet = &c
	if mv.Exceeded != "" {
		return r
	}
	if mv.Exit != 0 && mv.Exit != 3 {
		c.Error = tail(mv.Stderr, 2000)
		r.Error = "mapvet failed: " + c.Error
		return r
	}
	fs, err := parseFindings(mv.Stdout, ws.Root, t.Key())
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Findings = fs
	o.Log("%s: %d findings in %.1f s, %.0f MB", t.Name, len(fs), c.Seconds, c.MaxRSSMB)
	return r
}

func listPackages(r *Result, ws Workspace, patterns []string) error {
	out, err := goOut(ws.Dir, ws.Env, append([]string{"list", "-e", "-f", "{{.Dir}}"}, patterns...)...)
	if err != nil {
		return err
	}
	for _, d := range strings.Fields(out) {
		rel, err := filepath.Rel(ws.Root, d)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue // a package outside the module root (none expected)
		}
		r.Dirs = append(r.Dirs, filepath.ToSlash(rel))
	}
	r.Packages = len(strings.Fields(out))
	return nil
}

// parseFindings reads mapvet -json output and makes file names relative to
// the module root. It reads both schemas mapvet has printed: go vet -json's
// (an object keyed by package ID, then by check, of diagnostics with a
// "posn" of file:line:col; a finding in a package and its test variant
// appears under both IDs and is kept once) and the flat array of objects
// with check, file, line, column and message of mapvet before 2026-12-06.
func parseFindings(out []byte, root, key string) ([]Finding, error) {
	type raw struct {
		Check, File, Message string
		Line, Column         int
	}
	var flat []raw
	if err := json.Unmarshal(out, &flat); err != nil {
		var tree map[string]map[string][]struct{ Posn, Message string }
		if err2 := json.Unmarshal(out, &tree); err2 != nil {
			return nil, fmt.Errorf("reading mapvet -json output: %v", err2)
		}
		flat = nil
		seen := map[raw]bool{}
		for _, checks := range tree {
			for check, diags := range checks {
				for _, d := range diags {
					file, line, col, ok := splitPosn(d.Posn)
					if !ok {
						return nil, fmt.Errorf("reading mapvet -json output: bad posn %q", d.Posn)
					}
					r := raw{check, file, d.Message, line, col}
					if !seen[r] {
						seen[r] = true
						flat = append(flat, r)
					}
				}
			}
		}
		sort.Slice(flat, func(i, j int) bool {
			a, b := flat[i], flat[j]
			if a.File != b.File {
				return a.File < b.File
			}
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			if a.Column != b.Column {
				return a.Column < b.Column
			}
			if a.Check != b.Check {
				return a.Check < b.Check
			}
			return a.Message < b.Message
		})
	}
	fs := []Finding{}
	for _, f := range flat {
		rel, err := filepath.Rel(root, f.File)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("finding at %s:%d is outside the module root %s", f.File, f.Line, root)
		}
		fs = append(fs, Finding{Module: key, File: filepath.ToSlash(rel), Line: f.Line, Column: f.Column, Check: f.Check, Message: f.Message})
	}
	return fs, nil
}

// splitPosn splits "file:line:col" (or "file:line").
func splitPosn(posn string) (file string, line, col int, ok bool) {
	rest, last, found := cutLast(posn)
	if !found {
		return "", 0, 0, false
	}
	n, err := strconv.Atoi(last)
	if err != nil {
		return "", 0, 0, false
	}
	if f, l, found := cutLast(rest); found {
		if m, err := strconv.Atoi(l); err == nil {
			return f, m, n, true
		}
	}
	return rest, n, 0, true
}

func cutLast(s string) (before, after string, found bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// InScope reports whether the result checked the package of the entry's
// file.
func (r Result) InScope(e Expectation) bool {
	if e.Module != r.Key {
		return false
	}
	dir := filepath.ToSlash(filepath.Dir(e.File))
	for _, d := range r.Dirs {
		if d == dir {
			return true
		}
	}
	return false
}
