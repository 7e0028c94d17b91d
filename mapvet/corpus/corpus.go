// Package corpus measures mapvet against a labeled corpus of map races
// that real projects shipped: the module in mapvet/testdata/corpus.
//
// # The corpus
//
// Each case is a small package, cases/<name>, written anew in the shape of
// one public bug report (a "fatal error: concurrent map ..." crash or a
// race-detector report on a map, later fixed), with the report's URL on a
// "// Report: <url>" line of its package comment. Its twin, cases/<name>_fixed,
// is the same code with the fix's shape (the lock held, a copy made under
// the lock, a sync.Map, ...). A case may put the two sides of a race in
// subpackages of its directory; everything under cases/<name>/ belongs to
// the case and everything under cases/<name>_fixed/ to the twin. lib/grpc
// is a local module that stands in for google.golang.org/grpc (go.mod
// replaces the real module with it), so that the gRPC cases import the
// real path as the code they are modeled on does.
//
// A line of a case where a finding must land ends with a label:
//
//	s.routeNotes[key] = append(s.routeNotes[key], in) // race: b every stream writes s.routeNotes
//
// The letter is the case's category (issue 13's six classes, and x for
// the shapes mapvet already handled when the corpus was written; a case
// whose goroutine comes from time.AfterFunc or errgroup but whose race
// needs more than that is in the category of what it needs):
//
//	a  guarded-by: a map locked in most places but not in one
//	b  concurrent entry points: HTTP and gRPC handlers, methods of types with a mutex, goroutine helpers
//	c  escaping maps: a guarded map returned or stored where it outlives the lock
//	d  copied owners: a map put into a value with another or a fresh mutex
//	e  hidden iteration: fmt, encoding/json, gob, text/template, reflect walking a map
//	f  across packages: the two sides in different packages, calls through interfaces
//	x  shapes mapvet already handled: deferred ranges, RLock writes, goroutines in a loop or beside their starter
//
// Labels mark the unsynchronized access or accesses, the go statements
// and goroutine-starting calls (time.AfterFunc, errgroup.Group.Go, a helper
// that runs a closure) that start a racing goroutine, the registrations of
// concurrent entry points (ServeMux.HandleFunc, a gRPC Register call), and
// the calls through which a racing side reaches the access (an exported
// method calling the unexported helper that holds the racy access). All
// the labeled lines of a case form one group: the case is found when the
// primary position of any finding is on one of them. Accesses that hold
// the right lock are not labeled; a finding there is listed as off-label,
// for a reader to judge. docs/mapvet-corpus.md lists every finding, so
// that a reader can also check that a case was found for the right reason.
// Twins have no labels: every finding in a twin, and every finding outside
// the cases (in lib/), is a false positive.
//
// # The harness
//
// Load reads and checks the labels, Score attributes mapvet's findings
// (go vet's -json schema, which mapvet -json prints) to cases and twins,
// and Results renders the tables of docs/mapvet-corpus.md and the baseline
// that the test in this package compares each run with.
package corpus

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Category is a class of map race, a letter of a label.
type Category byte

// Categories in the order the tables list them.
var Categories = []Category{'a', 'b', 'c', 'd', 'e', 'f', 'x'}

var categoryNames = map[Category]string{
	'a': "guarded-by",
	'b': "concurrent entry points",
	'c': "escaping maps",
	'd': "copied owners",
	'e': "hidden iteration",
	'f': "across packages",
	'x': "shapes mapvet already handled",
}

// Name describes the category.
func (c Category) Name() string { return categoryNames[c] }

func (c Category) String() string { return string(rune(c)) }

// Label is a line where a finding must land.
type Label struct {
	File     string // slash-separated, relative to the corpus root
	Line     int
	Category Category
	Reason   string
}

// Case is a racy package and its fixed twin.
type Case struct {
	Name     string // the case's directory under cases/
	Twin     string // the twin's directory under cases/
	Category Category
	Report   string // the bug report's URL
	Labels   []Label
}

// Corpus is the set of cases of a corpus module.
type Corpus struct {
	Dir   string  // the module's root directory
	Cases []*Case // sorted by name
}

const (
	casesDir   = "cases"
	twinSuffix = "_fixed"
)

var (
	labelRE  = regexp.MustCompile(`// race: (\S+)(.*)$`)
	reportRE = regexp.MustCompile(`^// Report: (\S+)\s*$`)
)

// Load reads the cases of the corpus module at dir and checks their
// layout: every case has a twin and the reverse, every case has labels of
// one known category and a report URL, and twins have no labels and the
// same report URL.
func Load(dir string) (*Corpus, error) {
	entries, err := os.ReadDir(filepath.Join(dir, casesDir))
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %v", dir, err)
	}
	dirs := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() {
			dirs[e.Name()] = true
		}
	}
	c := &Corpus{Dir: dir}
	var problems []string
	for name := range dirs {
		if strings.HasSuffix(name, twinSuffix) {
			if !dirs[strings.TrimSuffix(name, twinSuffix)] {
				problems = append(problems, fmt.Sprintf("%s/%s: a twin without a case", casesDir, name))
			}
			continue
		}
		cs, err := loadCase(dir, name, dirs[name+twinSuffix])
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		c.Cases = append(c.Cases, cs)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("corpus %s:\n\t%s", dir, strings.Join(problems, "\n\t"))
	}
	sort.Slice(c.Cases, func(i, j int) bool { return c.Cases[i].Name < c.Cases[j].Name })
	return c, nil
}

func loadCase(root, name string, hasTwin bool) (*Case, error) {
	cs := &Case{Name: name, Twin: name + twinSuffix}
	where := casesDir + "/" + name
	if !hasTwin {
		return nil, fmt.Errorf("%s: no twin %s%s", where, where, twinSuffix)
	}
	labels, reports, err := scan(root, cs.Name)
	if err != nil {
		return nil, err
	}
	twinLabels, twinReports, err := scan(root, cs.Twin)
	if err != nil {
		return nil, err
	}
	switch {
	case len(labels) == 0:
		return nil, fmt.Errorf("%s: no // race: labels", where)
	case len(twinLabels) > 0:
		l := twinLabels[0]
		return nil, fmt.Errorf("%s:%d: a // race: label in a twin", l.File, l.Line)
	case len(reports) != 1:
		return nil, fmt.Errorf("%s: want one report URL on // Report: lines, have %q", where, reports)
	case len(twinReports) != 1 || twinReports[0] != reports[0]:
		return nil, fmt.Errorf("%s%s: want the case's report URL %s on // Report: lines, have %q", where, twinSuffix, reports[0], twinReports)
	}
	cs.Report, cs.Labels, cs.Category = reports[0], labels, labels[0].Category
	for _, l := range labels {
		if l.Category != cs.Category {
			return nil, fmt.Errorf("%s:%d: category %s in a case of category %s", l.File, l.Line, l.Category, cs.Category)
		}
	}
	return cs, nil
}

// scan returns the labels and the distinct report URLs of the Go files
// under cases/<dir>.
func scan(root, dir string) ([]Label, []string, error) {
	var labels []Label
	reports := map[string]bool{}
	base := filepath.Join(root, casesDir, dir)
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if m := reportRE.FindStringSubmatch(line); m != nil {
				reports[m[1]] = true
			}
			m := labelRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			cat := Category(m[1][0])
			if len(m[1]) != 1 || cat.Name() == "" {
				return fmt.Errorf("%s:%d: unknown category %q in a // race: label (want one of %s)", rel, n, m[1], categoryList())
			}
			labels = append(labels, Label{File: rel, Line: n, Category: cat, Reason: strings.TrimSpace(m[2])})
		}
		return sc.Err()
	})
	if err != nil {
		return nil, nil, err
	}
	var urls []string
	for u := range reports {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	return labels, urls, nil
}

func categoryList() string {
	var s []string
	for _, c := range Categories {
		s = append(s, c.String())
	}
	return strings.Join(s, ", ")
}

// caseOf returns the directory under cases/ that holds file (a path
// relative to the corpus root), or "".
func caseOf(file string) string {
	rest, ok := strings.CutPrefix(file, casesDir+"/")
	if !ok {
		return ""
	}
	dir, _, _ := strings.Cut(rest, "/")
	return dir
}

// short names a report URL as owner/repo#N.
func short(url string) string {
	p := strings.TrimPrefix(url, "https://github.com/")
	parts := strings.Split(p, "/")
	if len(parts) == 4 && (parts[2] == "issues" || parts[2] == "pull") {
		return parts[0] + "/" + parts[1] + "#" + parts[3]
	}
	return path.Base(url)
}
