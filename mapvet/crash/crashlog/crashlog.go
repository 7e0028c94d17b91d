// Package crashlog finds Go crashes in logs and parses them into goroutine
// stacks.
//
// A crash reaches a log in many wrappings. Parse undoes them in three
// passes, then hands each crash to panicparse's parser:
//
//		input ──▶ unwrap JSON lines ──▶ find crashes ──▶ strip each crash's prefix ──▶ panicparse
//		          {"log":"...\n"}       "fatal error: "  "2024-05-01T10:00:00Z stderr F "
//		          {"MESSAGE":"..."}     "panic: "
//
//	 1. JSON lines (a container runtime's json-file log, journalctl -o json,
//	    a log shipper's export): the field that holds the crash text is found
//	    on the first record that contains a crash ("log", "MESSAGE",
//	    "textPayload", a nested "jsonPayload.message", ...), and every record
//	    is replaced by the lines of that field; records without it (other
//	    streams' metadata) are dropped.
//	 2. A crash starts at a line that contains "fatal error: " or "panic: "
//	    and is followed, within a few lines, by a goroutine header. Two fatal
//	    messages printed back to back by two goroutines that failed together
//	    belong to one crash. A crash runs to the start of the next one.
//	 3. The text before "fatal error: " on the crash's first line is the log
//	    prefix (a timestamp, a stream name, a logger's fields). It becomes a
//	    pattern, digit runs matching any digits and space runs any spaces, so
//	    that "10:00:00.1Z" and "10:00:01.123Z" both match; every line of the
//	    crash loses the text the pattern matches. A line that does not match
//	    is another writer's line interleaved with the crash, and is dropped.
//	    When no line after the first matches, the logger prefixed only the
//	    first line of a multi-line message, and the lines are taken as they are.
//
// Loggers also mangle whitespace: a goroutine header that lost the blank
// line before it gets it back, and a file line that lost its leading tab
// gets one, since panicparse needs both.
//
// Build information printed earlier in the log (runtime/debug.BuildInfo's
// String form, which services print at start-up) is attached to the crash
// that follows it, so that the caller can warn when the source it reads is
// not the source the binary was built from.
package crashlog

import (
	"bytes"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Crash is one crash found in a log.
type Crash struct {
	// Fatal is the runtime's message without its "fatal error: " or
	// "panic: " lead: "concurrent map writes".
	Fatal string
	// Panic is true for a "panic: " crash, false for "fatal error: ".
	Panic bool
	// Line is the line of the input (1-based; for JSON lines, the record)
	// where the crash starts.
	Line int
	// Prefix is the log prefix found on the crash's first line, "" for none.
	Prefix string
	// Goroutines are the goroutines of the dump in the order printed: the
	// first is the one that reported the crash.
	Goroutines []*Goroutine
	// Truncated reports that the dump ends in the middle of a goroutine.
	Truncated bool
	// Build is the build information printed before the crash, if any.
	Build *debug.BuildInfo
}

// Goroutine is one goroutine of a crash dump.
type Goroutine struct {
	ID    int
	State string // "running", "runnable", "chan receive", ...
	// Unavailable is set when the runtime printed "goroutine running on
	// other thread; stack unavailable" instead of the stack.
	Unavailable bool
	Frames      []Frame // innermost first
	Elided      bool    // the runtime left frames out ("...additional frames elided...")
	// CreatedBy is the go statement (or the library call) that started the
	// goroutine; nil for the main goroutine and for a truncated dump.
	CreatedBy *Frame
	// CreatorID is the goroutine that ran the go statement ("created by f in
	// goroutine 7"), 0 when not printed.
	CreatorID int
}

// Frame is one function of a stack.
type Frame struct {
	Func string // as printed, unescaped: "main.(*Cache).refresh.func1", "repro.writeForever[...]"
	Pkg  string // its import path as printed: "main" in package main
	File string // the source path on the machine that built the binary
	Line int    // the line executing; for a caller frame, the line of the call
	// Inlined is set for a frame the compiler inlined into its caller (the
	// runtime prints it as f(...) with no PC offset). Its line is exact all
	// the same: the runtime keeps an inline tree.
	Inlined bool
}

// String renders the frame as "file:line (func)".
func (f Frame) String() string {
	return fmt.Sprintf("%s:%d (%s)", f.File, f.Line, f.Func)
}

// Parse returns the crashes in a log, in order. It returns an error naming
// what is wrong when the input is not text or holds no Go crash; a crash
// that is not a map crash is returned like any other (the caller decides).
func Parse(data []byte) ([]*Crash, error) {
	if err := checkText(data); err != nil {
		return nil, err
	}
	lines := unwrapJSON(splitLines(data))
	var crashes []*Crash
	from := 0
	for _, seg := range segments(lines) {
		c, err := parseSegment(seg, lines)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", seg.start.n, err)
		}
		c.Build = buildInfoBefore(lines, seg, from)
		from = seg.end
		crashes = append(crashes, c)
	}
	if len(crashes) == 0 {
		return nil, errNoCrash(lines)
	}
	return crashes, nil
}

// checkText refuses binary input: NUL bytes or mostly invalid UTF-8 in the
// first 64 KiB.
func checkText(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("empty input: no crash to read")
	}
	head := data
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return fmt.Errorf("binary data (a NUL byte at offset %d): not a text log", i)
	}
	bad := 0
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n == 1 {
			bad++
		}
		i += n
	}
	if bad*10 > len(head) {
		return fmt.Errorf("binary data (%d of the first %d bytes are not UTF-8): not a text log", bad, len(head))
	}
	return nil
}

// errNoCrash explains why no crash was found.
func errNoCrash(lines []line) error {
	for _, l := range lines {
		if i := strings.Index(l.text, "fatal error: "); i >= 0 {
			return fmt.Errorf("line %d has %q but no goroutine stack follows it: the dump is cut off or was not logged", l.n, strings.TrimSpace(l.text[i:]))
		}
	}
	for _, l := range lines {
		if _, _, ok := goroutineHeader(l.text); ok {
			return fmt.Errorf("line %d starts a goroutine stack, but no \"fatal error:\" or \"panic:\" message comes before it: not a crash (a stack dump from SIGQUIT or debug.Stack?)", l.n)
		}
	}
	return fmt.Errorf("no Go crash found (no \"fatal error:\" or \"panic:\" line followed by goroutine stacks) in %d lines", len(lines))
}

// line is one line of the log, with its number in the input.
type line struct {
	n    int
	text string
}

func splitLines(data []byte) []line {
	s := string(data)
	out := make([]line, 0, strings.Count(s, "\n")+1)
	n := 0
	for len(s) > 0 {
		n++
		i := strings.IndexByte(s, '\n')
		var t string
		if i < 0 {
			t, s = s, ""
		} else {
			t, s = s[:i], s[i+1:]
		}
		out = append(out, line{n, strings.TrimRight(t, "\r")})
	}
	return out
}

// goroutineHeader matches "goroutine 7 [running]:" (with GOTRACEBACK=system
// the runtime adds "gp=... m=... mp=..." before the state) anywhere in a
// line and returns where it starts and the goroutine's number.
func goroutineHeader(s string) (at, id int, ok bool) {
	i := strings.Index(s, "goroutine ")
	if i < 0 || !strings.HasSuffix(s, "]:") {
		return 0, 0, false
	}
	rest := s[i+len("goroutine "):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	if j == 0 || j == len(rest) || rest[j] != ' ' || !strings.Contains(rest[j:], "[") {
		return 0, 0, false
	}
	id, err := strconv.Atoi(rest[:j])
	if err != nil {
		return 0, 0, false
	}
	return i, id, true
}
