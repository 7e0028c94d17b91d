package realcode

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Racy is one racy access of a real bug, read in the pre-fix source.
type Racy struct {
	File string // slash-separated, relative to the module root
	Line int
	What string
}

// Case is a real map race that a project shipped and later fixed: the
// module version before the fix, the packages involved, and the lines of
// the racy accesses.
type Case struct {
	Name   string
	Report string // the public report (URL)
	Fix    string // the fix (URL, commit)
	Target Target
	Racy   []Racy
	Source string // file:line of the case in the cases file
}

// ParseCases reads a cases file: stanzas of "key value" lines, each
// starting with "case NAME":
//
//	case etcd-22084
//	report https://github.com/etcd-io/etcd/issues/22084
//	fix https://github.com/etcd-io/etcd/pull/22085
//	module go.etcd.io/etcd/client/v3@v3.7.0
//	setup module|scratch
//	packages ./leasing
//	staging v0.34.2               (optional, see Target.Staging)
//	racy leasing/cache.go:120 what the access is
//
// report, module, setup, packages and at least one racy line are required.
func ParseCases(r io.Reader, name string) ([]Case, error) {
	var out []Case
	var cur *Case
	finish := func() error {
		if cur == nil {
			return nil
		}
		t := cur.Target
		switch {
		case cur.Report == "":
			return fmt.Errorf("%s: case %s has no report", cur.Source, cur.Name)
		case t.Module == "" || t.Version == "":
			return fmt.Errorf("%s: case %s has no module@version", cur.Source, cur.Name)
		case t.Setup != SetupModule && t.Setup != SetupScratch:
			return fmt.Errorf("%s: case %s: setup must be module or scratch", cur.Source, cur.Name)
		case len(t.Packages) == 0:
			return fmt.Errorf("%s: case %s has no packages", cur.Source, cur.Name)
		case len(cur.Racy) == 0:
			return fmt.Errorf("%s: case %s has no racy line", cur.Source, cur.Name)
		}
		out = append(out, *cur)
		return nil
	}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		where := fmt.Sprintf("%s:%d", name, n)
		key, val, _ := strings.Cut(line, " ")
		val = strings.TrimSpace(val)
		if key == "case" {
			if err := finish(); err != nil {
				return nil, err
			}
			cur = &Case{Name: val, Source: where, Target: Target{Name: val}}
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("%s: %q before the first case line", where, key)
		}
		switch key {
		case "report":
			cur.Report = val
		case "fix":
			cur.Fix = val
		case "module":
			mod, ver, ok := strings.Cut(val, "@")
			if !ok {
				return nil, fmt.Errorf("%s: module %q has no @version", where, val)
			}
			cur.Target.Module, cur.Target.Version = mod, ver
		case "setup":
			cur.Target.Setup = Setup(val)
		case "packages":
			cur.Target.Packages = strings.Fields(val)
		case "staging":
			cur.Target.Staging = val
		case "racy":
			pos, what, _ := strings.Cut(val, " ")
			file, l, ok := strings.Cut(pos, ":")
			ln, err := strconv.Atoi(l)
			if !ok || err != nil || ln <= 0 {
				return nil, fmt.Errorf("%s: bad racy position %q (want FILE:LINE)", where, pos)
			}
			cur.Racy = append(cur.Racy, Racy{File: path.Clean(file), Line: ln, What: strings.TrimSpace(what)})
		default:
			return nil, fmt.Errorf("%s: unknown key %q", where, key)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return out, nil
}

// LoadCases parses the cases file at name.
func LoadCases(name string) ([]Case, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseCases(f, name)
}

// mentioned matches the positions a message names, "cache.go:120".
var mentioned = regexp.MustCompile(`([\w.-]+\.go):(\d+)`)

// Catches reports whether the finding lands on one of the racy lines: its
// own position is one, or its message names one (a sharedmap finding sits
// on the go statement and names the access by file base name and line,
// which may be in another package).
func (c Case) Catches(f Finding) (Racy, bool) {
	for _, r := range c.Racy {
		if f.File == r.File && f.Line == r.Line {
			return r, true
		}
	}
	for _, m := range mentioned.FindAllStringSubmatch(f.Message, -1) {
		ln, _ := strconv.Atoi(m[2])
		for _, r := range c.Racy {
			if path.Base(r.File) == m[1] && r.Line == ln {
				return r, true
			}
		}
	}
	return Racy{}, false
}
