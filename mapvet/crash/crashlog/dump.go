package crashlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/maruel/panicparse/v2/stack"
)

// scanOpts turns off what panicparse does beyond parsing: naming arguments
// is quadratic in the number of goroutines, and guessing paths and reading
// sources touches the disk. The caller maps paths to its own sources.
var scanOpts = &stack.Opts{}

// parseSegment parses one crash's goroutine dump. panicparse stops at a
// line it does not expect (another writer's output in the middle of the
// dump); the scan then resumes after it, so one stray line costs at most
// the goroutine it interrupted.
func parseSegment(s *segment, lines []line) (*Crash, error) {
	first, _ := s.strip(s.start.text)
	c := &Crash{Line: s.start.n, Prefix: s.prefix}
	if strings.HasPrefix(first, "fatal error: ") {
		c.Fatal = strings.TrimSpace(strings.TrimPrefix(first, "fatal error: "))
	} else {
		c.Panic = true
		c.Fatal = strings.TrimSpace(strings.TrimPrefix(first, "panic: "))
	}
	var in io.Reader = strings.NewReader(s.text(lines))
	for {
		snap, suffix, err := scan(in)
		if snap != nil {
			for _, g := range snap.Goroutines {
				c.Goroutines = append(c.Goroutines, convert(g))
			}
		}
		if errors.Is(err, io.EOF) || (snap == nil && len(suffix) == 0) {
			break
		}
		if snap == nil && err != nil {
			return nil, fmt.Errorf("reading the goroutine dump: %v", err)
		}
		// Skip the line panicparse stopped at and go on.
		if i := bytes.IndexByte(suffix, '\n'); i >= 0 {
			suffix = suffix[i+1:]
		} else {
			suffix = nil
		}
		in = io.MultiReader(bytes.NewReader(suffix), in)
	}
	if len(c.Goroutines) == 0 {
		return nil, fmt.Errorf("%q is followed by no goroutine stack that can be read", strings.TrimSpace(first))
	}
	last := c.Goroutines[len(c.Goroutines)-1]
	if !last.Unavailable && (len(last.Frames) == 0 || last.Frames[len(last.Frames)-1].File == "") {
		c.Truncated = true
	}
	return c, nil
}

// scan runs panicparse's scanner. panicparse v2.5.0 panics on some
// malformed function names (a slice bound made negative by unescaping a
// '%'); such a dump is an error, not a crash of mapvet.
func scan(in io.Reader) (snap *stack.Snapshot, suffix []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			snap, suffix, err = nil, nil, fmt.Errorf("the goroutine dump is malformed (panicparse: %v)", r)
		}
	}()
	return stack.ScanSnapshot(in, io.Discard, scanOpts)
}

func convert(g *stack.Goroutine) *Goroutine {
	out := &Goroutine{ID: g.ID, State: g.State, Elided: g.Stack.Elided}
	calls := g.Stack.Calls
	if len(calls) == 1 && calls[0].RemoteSrcPath == "<unavailable>" {
		out.Unavailable = true
		calls = nil
	}
	for _, c := range calls {
		f := frame(c)
		if strings.ContainsRune(f.Func, ' ') && f.File == "" {
			// A line after the dump that panicparse took for a call
			// ("maplab: child exited (status 2)"): function names have
			// no spaces.
			continue
		}
		out.Frames = append(out.Frames, f)
	}
	if len(g.CreatedBy.Calls) > 0 {
		f := frame(g.CreatedBy.Calls[0])
		if name, id, ok := strings.Cut(f.Func, " in goroutine "); ok {
			f.Func = name
			out.CreatorID, _ = strconv.Atoi(id)
		}
		out.CreatedBy = &f
	}
	return out
}

func frame(c stack.Call) Frame {
	return Frame{
		Func:    c.Func.Complete,
		Pkg:     c.Func.ImportPath,
		File:    c.RemoteSrcPath,
		Line:    c.Line,
		Inlined: c.Args.Elided && len(c.Args.Values) == 0,
	}
}

// buildLeads are the first fields of the lines of debug.BuildInfo.String.
var buildLeads = []string{"go\t", "path\t", "mod\t", "dep\t", "=>\t", "build\t"}

func isBuildLine(t string) bool {
	for _, p := range buildLeads {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// buildInfoBefore returns the last build information block printed between
// the previous crash and this one, or nil.
func buildInfoBefore(lines []line, s *segment, from int) *debug.BuildInfo {
	var block []string
	for i := s.index - 1; i >= from; i-- {
		t, ok := s.strip(lines[i].text)
		if !ok {
			t = lines[i].text
		}
		t = strings.TrimLeft(t, " ")
		if isBuildLine(t) {
			block = append(block, t)
			continue
		}
		if len(block) > 0 {
			break
		}
	}
	if len(block) == 0 {
		return nil
	}
	for i, j := 0, len(block)-1; i < j; i, j = i+1, j-1 {
		block[i], block[j] = block[j], block[i]
	}
	bi, err := debug.ParseBuildInfo(strings.Join(block, "\n") + "\n") // every line ends in a newline
	if err != nil {
		return nil
	}
	return bi
}
