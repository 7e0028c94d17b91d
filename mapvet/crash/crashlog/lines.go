package crashlog

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

// unwrapJSON replaces JSON records by the lines of the field that holds the
// crash text (see the package comment). Input without a JSON record that
// holds a crash is returned unchanged.
func unwrapJSON(lines []line) []line {
	var path []string
	for _, l := range lines {
		v, ok := jsonObject(l.text)
		if !ok {
			continue
		}
		if p, ok := crashField(v, nil); ok {
			path = p
			break
		}
	}
	if path == nil {
		return lines
	}
	out := make([]line, 0, len(lines))
	for _, l := range lines {
		v, ok := jsonObject(l.text)
		if !ok {
			out = append(out, l)
			continue
		}
		s, ok := at(v, path)
		if !ok {
			continue // a record of another kind
		}
		s = strings.TrimSuffix(s, "\n")
		for _, t := range strings.Split(s, "\n") {
			out = append(out, line{l.n, strings.TrimRight(t, "\r")})
		}
	}
	return out
}

func jsonObject(s string) (map[string]any, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	var v map[string]any
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil, false
	}
	return v, true
}

// crashField returns the path of keys to a string in v that contains a
// crash's first line or a goroutine header.
func crashField(v map[string]any, path []string) ([]string, bool) {
	for k, x := range v {
		switch x := x.(type) {
		case string:
			if crashStart(x) >= 0 || hasHeader(x) {
				return append(path[:len(path):len(path)], k), true
			}
		case map[string]any:
			if p, ok := crashField(x, append(path[:len(path):len(path)], k)); ok {
				return p, true
			}
		}
	}
	return nil, false
}

func hasHeader(s string) bool {
	for _, t := range strings.Split(s, "\n") {
		if _, _, ok := goroutineHeader(strings.TrimRight(t, "\r")); ok {
			return true
		}
	}
	return false
}

func at(v map[string]any, path []string) (string, bool) {
	for i, k := range path {
		x, ok := v[k]
		if !ok {
			return "", false
		}
		if i == len(path)-1 {
			s, ok := x.(string)
			return s, ok
		}
		if v, ok = x.(map[string]any); !ok {
			return "", false
		}
	}
	return "", false
}

// crashStart returns where a crash message starts in s, or -1.
func crashStart(s string) int {
	if i := strings.Index(s, "fatal error: "); i >= 0 {
		return i
	}
	return strings.Index(s, "panic: ")
}

// headerWindow is how many lines after a crash message its first goroutine
// header may come (a panic's message can run over several lines).
const headerWindow = 25

// segment is the lines of one crash, from its first message to the next
// crash, with the log prefix of its first line.
type segment struct {
	start  line
	index  int // of start in the input lines
	end    int // index of the first line after the crash
	prefix string
	pat    *regexp.Regexp // nil when there is no prefix
}

// segments finds the crashes in lines.
func segments(lines []line) []*segment {
	var out []*segment
	sawHeader := true // a goroutine header since the last crash's start
	for i, l := range lines {
		if _, _, ok := goroutineHeader(l.text); ok {
			sawHeader = true
			continue
		}
		at := crashStart(l.text)
		if at < 0 {
			continue
		}
		seg := &segment{start: l, index: i, prefix: l.text[:at], end: len(lines)}
		if seg.prefix != "" {
			seg.pat = prefixPattern(seg.prefix)
		}
		if !seg.followedByHeader(lines[i+1:]) {
			continue
		}
		if !sawHeader {
			continue // a second goroutine's message before the dump: the same crash
		}
		if n := len(out); n > 0 {
			out[n-1].end = i
		}
		out = append(out, seg)
		sawHeader = false
	}
	return out
}

func (s *segment) followedByHeader(rest []line) bool {
	for j, l := range rest {
		if j == headerWindow {
			break
		}
		if t, ok := s.strip(l.text); ok {
			if at, _, ok := goroutineHeader(t); ok && strings.TrimSpace(t[:at]) == "" {
				return true
			}
		}
	}
	return false
}

// strip removes the crash's log prefix from a line. It reports false for a
// line that does not carry the prefix.
func (s *segment) strip(t string) (string, bool) {
	if s.pat == nil {
		return t, true
	}
	m := s.pat.FindStringIndex(t)
	if m == nil {
		return "", false
	}
	return t[m[1]:], true
}

// prefixPattern generalizes a log prefix: digit runs match any digits,
// blank runs any blanks, the rest matches itself.
func prefixPattern(prefix string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(prefix); {
		c := prefix[i]
		j := i + 1
		switch {
		case c >= '0' && c <= '9':
			for j < len(prefix) && prefix[j] >= '0' && prefix[j] <= '9' {
				j++
			}
			b.WriteString(`[0-9]+`)
		case c == ' ' || c == '\t':
			for j < len(prefix) && (prefix[j] == ' ' || prefix[j] == '\t') {
				j++
			}
			b.WriteString(`[ \t]+`)
		default:
			b.WriteString(regexp.QuoteMeta(prefix[i:j]))
		}
		i = j
	}
	return regexp.MustCompile(b.String())
}

// text returns the crash's lines without their prefix, normalized for
// panicparse, as one string.
func (s *segment) text(lines []line) string {
	body := lines[s.index:s.end]
	var kept []string
	matched := 0
	for _, l := range body {
		if t, ok := s.strip(l.text); ok {
			kept = append(kept, t)
			matched++
		}
	}
	if s.pat != nil && matched == 1 {
		// Only the first line had the prefix: the logger prefixed one
		// multi-line message.
		kept = kept[:1]
		for _, l := range body[1:] {
			kept = append(kept, l.text)
		}
	}
	var b bytes.Buffer
	prev := ""
	for _, t := range kept {
		if at, _, ok := goroutineHeader(t); ok && strings.TrimSpace(t[:at]) == "" && strings.TrimSpace(prev) != "" {
			b.WriteByte('\n')
		}
		if reBareFile.MatchString(t) && (strings.HasSuffix(prev, ")") || strings.HasPrefix(prev, "created by ")) {
			b.WriteByte('\t')
		}
		b.WriteString(t)
		b.WriteByte('\n')
		prev = t
	}
	return b.String()
}

// reBareFile matches a frame's file line that lost its indentation.
var reBareFile = regexp.MustCompile(`^[^ \t].*\.(go|s|c):[0-9]+( \+0x[0-9a-f]+)?( fp=0x[0-9a-f]+ sp=0x[0-9a-f]+( pc=0x[0-9a-f]+)?)?$`)
