// Tests of what a mapguard report says beyond the write's site: the
// writer's call chain at the write, the other writers on record, where the
// writer is now, and that docs/mapguard.md's example is real output.
package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mapsafe/mapsafe/internal/testenv"
)

// frame is one frame of a report's "at that write" section.
type frame struct {
	fn, file string
	line     int
}

// chainReport is the part of a report that tests the other side's chain.
type chainReport struct {
	goid   string
	state  string  // in the first line: "in progress", "began last ...", "finished"
	chain  []frame // at that write
	cut    bool    // "...recorded frames end here"
	others []other // "also has a write to this map on record"
	now    string  // after "now": "", ", still in that write", ...
}

type other struct {
	goid, state string
	site        frame
}

var (
	stateRE = regexp.MustCompile(`(?m)^mapguard: concurrent map [a-z ]+: the other side is goroutine (\d+), whose write to this map (was in progress|began last before the race was noticed and has finished since|was finished)$`)
	otherRE = regexp.MustCompile(`(?m)^mapguard: goroutine (\d+) also has a write to this map on record, (in progress|finished), at (\S+) \((\S+):(\d+)\)$`)
	nowRE   = regexp.MustCompile(`(?m)^mapguard: goroutine (\d+) now((?:, still in that write|, in a later write to this map|, no longer at that write)?):$`)
)

// parseChain reads the chain sections of a mapguard report.
func parseChain(t *testing.T, out string) chainReport {
	t.Helper()
	var r chainReport
	s := stateRE.FindStringSubmatch(out)
	if s == nil {
		t.Fatalf("no first line naming the other side and its state in:\n%s", out)
	}
	r.goid, r.state = s[1], s[2]
	for _, o := range otherRE.FindAllStringSubmatch(out, -1) {
		line, _ := strconv.Atoi(o[5])
		r.others = append(r.others, other{goid: o[1], state: o[2], site: frame{o[3], o[4], line}})
	}
	if n := nowRE.FindStringSubmatch(out); n == nil || n[1] != r.goid {
		t.Fatalf("no line introducing goroutine %s now in:\n%s", r.goid, out)
	} else {
		r.now = n[2]
	}
	head := "mapguard: goroutine " + r.goid + " at that write:\n"
	i := strings.Index(out, head)
	if i < 0 {
		t.Fatalf("no %q in:\n%s", head, out)
	}
	lines := strings.Split(out[i+len(head):], "\n")
	for k := 0; k < len(lines) && lines[k] != ""; k++ {
		if lines[k] == "...recorded frames end here" {
			r.cut = true
			continue
		}
		fn, ok := strings.CutSuffix(lines[k], "(...)")
		if !ok || k+1 == len(lines) || !strings.HasPrefix(lines[k+1], "\t") {
			t.Fatalf("frame %q is not name(...) then a tab and file:line:\n%s", lines[k], out)
		}
		k++
		file, ln, _ := strings.Cut(strings.TrimPrefix(lines[k], "\t"), ":")
		n, _ := strconv.Atoi(ln)
		r.chain = append(r.chain, frame{fn, file, n})
	}
	if len(r.chain) == 0 {
		t.Fatalf("no frames at the write in:\n%s", out)
	}
	return r
}

// wantChain checks that the chain starts with the frames named, each
// "function@site" where site names a "// site:" comment of file.
func wantChain(t *testing.T, got []frame, lines map[string]int, file string, want ...string) {
	t.Helper()
	if len(got) < len(want) {
		t.Fatalf("chain %v, want it to start with %v", got, want)
	}
	for i, w := range want {
		fn, site, _ := strings.Cut(w, "@")
		g := got[i]
		if g.fn != fn || (site != "" && (g.line != lines[site] || filepath.Base(g.file) != filepath.Base(file))) {
			t.Errorf("chain frame %d is %s at %s:%d, want %s at %s:%d", i, g.fn, g.file, g.line, fn, filepath.Base(file), lines[site])
		}
	}
}

// TestReportChain runs racer's chain race, whose writer writes four calls
// down, and its readwrite race, whose writer writes in the goroutine's
// first function: the report must print the chain at the write, cut after
// four frames in the first, whole in the second; on both toolchains, and
// for arm64 under qemu-aarch64 (the frame pointer is found differently).
func TestReportChain(t *testing.T) {
	dir, err := filepath.Abs("../../guard/testdata/racer")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "main.go")
	lines := sites(t, file)
	// check runs exe's races, under qemu if it is not "".
	check := func(t *testing.T, exe, qemu string) {
		race := func(name string) string {
			args := []string{exe, name}
			if qemu != "" {
				args = append([]string{qemu}, args...)
			}
			out, code := run(t, 2*time.Minute, dir, nil, args[0], args[1:]...)
			if code != 2 {
				t.Fatalf("%s: exit %d\n%s", name, code, out)
			}
			return out
		}
		out := race("chain")
		r := parseChain(t, out)
		wantChain(t, r.chain, lines, file, "main.chain4@chain4", "main.chain3@chain3", "main.chain2@chain2", "main.chain1@chain1")
		if !r.cut && (len(r.chain) < 5 || r.chain[4].fn != "main.chainWriter") {
			t.Errorf("chain %v neither says it is cut nor goes on to main.chainWriter:\n%s", r.chain, out)
		}

		out = race("readwrite")
		r = parseChain(t, out)
		wantChain(t, r.chain, lines, file, "main.writeA@writeA")
		if len(r.chain) != 1 || r.cut {
			t.Errorf("chain %v (cut %v), want main.writeA alone, to the goroutine's entry:\n%s", r.chain, r.cut, out)
		}
	}
	for _, tcName := range toolchains {
		t.Run(tcName, func(t *testing.T) {
			check(t, build(t, dir, toolchainEnv(t, tcName), mapguard(t)), "")
		})
	}
	t.Run("arm64", func(t *testing.T) {
		qemu := testenv.QemuAarch64(t)
		check(t, build(t, dir, []string{"GOARCH=arm64"}, mapguard(t)), qemu)
	})
}

// TestSessionServer runs guard/testdata/sessions, an HTTP server whose
// session cache is written under its mutex by the login handler (on
// net/http's connection goroutines) and by an expiry goroutine, and ranged
// without the mutex by the stats handler, under load from clients in the
// same process. Without the expiry goroutine every writer is a login: the
// report must name the login handler -> Put path at the write, and list
// the other logins with their state and site. With it, the chain must be
// one of the two paths, and every writer on record at one of the two
// sites.
func TestSessionServer(t *testing.T) {
	dir, err := filepath.Abs("../../guard/testdata/sessions")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]int{}
	for _, f := range []string{"cache.go", "server.go"} {
		for name, line := range sites(t, filepath.Join(dir, f)) {
			lines[name] = line
		}
	}
	exe := build(t, dir, nil, mapguard(t))
	const iterWrite = "concurrent map iteration and map write"
	login := []string{"main.(*SessionCache).Put@Put", "main.(*server).login@login", "net/http.HandlerFunc.ServeHTTP"}
	expire := []string{"main.(*SessionCache).Expire@Expire", "main.(*server).expireLoop@expireLoop"}
	sitesOK := func(t *testing.T, o other) {
		if !(o.site.fn == "main.(*SessionCache).Put" && o.site.line == lines["Put"] ||
			o.site.fn == "main.(*SessionCache).Expire" && o.site.line == lines["Expire"]) {
			t.Errorf("goroutine %s also on record at %v, want Put or Expire", o.goid, o.site)
		}
	}

	out, code := run(t, 2*time.Minute, dir, nil, exe, "-expire=false", "-duration=90s")
	if code != 2 || fatalRE.FindStringSubmatch(out) == nil || fatalRE.FindStringSubmatch(out)[1] != iterWrite {
		t.Fatalf("-expire=false: exit %d, want a crash: %s\n%s", code, iterWrite, out)
	}
	r := parseChain(t, out)
	// The files of the chain's frames: cache.go, then server.go, then net/http's.
	wantChain(t, r.chain, lines, filepath.Join(dir, "cache.go"), login[:1]...)
	wantChain(t, r.chain[1:], lines, filepath.Join(dir, "server.go"), login[1:]...)
	if len(r.chain) < 4 && !r.cut {
		t.Errorf("chain of %d frames, not cut: want at least four", len(r.chain))
	}
	for _, o := range r.others {
		sitesOK(t, o)
	}
	t.Logf("-expire=false: the other side's write %s; %d others on record; now%q", r.state, len(r.others), r.now)

	out, code = run(t, 2*time.Minute, dir, nil, exe, "-duration=90s")
	if code != 2 {
		t.Fatalf("exit %d, want a crash\n%s", code, out)
	}
	r = parseChain(t, out)
	switch r.chain[0].fn {
	case "main.(*SessionCache).Put":
		wantChain(t, r.chain[1:], lines, filepath.Join(dir, "server.go"), login[1:]...)
	default:
		wantChain(t, r.chain, lines, filepath.Join(dir, "cache.go"), expire[:1]...)
		wantChain(t, r.chain[1:], lines, filepath.Join(dir, "server.go"), expire[1:]...)
	}
	for _, o := range r.others {
		sitesOK(t, o)
	}
}

var updateDoc = flag.Bool("update-doc", false, "rewrite docs/mapguard.md's example with a real run")

// TestDocExample compares docs/mapguard.md's example report with real runs
// of the racer's readwrite race: up to ten runs, one must print the same
// lines but for the write's state, goroutine numbers, hexadecimal values
// and the directories of files (line numbers count). With -update-doc the example is rewritten
// instead from the commonest of ten runs, with the repository's directory
// shown as /work/main.
func TestDocExample(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "guard", "testdata", "racer")
	docPath := filepath.Join(root, "docs", "mapguard.md")
	data, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	const marker = "<!-- example: mapguard build of guard/testdata/racer, run with readwrite (TestDocExample) -->\n```\n"
	start := strings.Index(doc, marker)
	if start < 0 {
		t.Fatalf("%s has no %q", docPath, marker)
	}
	start += len(marker)
	end := strings.Index(doc[start:], "```\n")
	if end < 0 {
		t.Fatalf("%s: the example's block does not end", docPath)
	}
	example := doc[start : start+end]

	exe := build(t, dir, nil, mapguard(t))
	var outs []string
	for range 10 {
		out, code := run(t, time.Minute, dir, nil, exe, "readwrite")
		if code != 2 {
			t.Fatalf("readwrite: exit %d\n%s", code, out)
		}
		out = strings.TrimSuffix(out, "\n")
		if !*updateDoc && normalizeReport(out) == normalizeReport(example) {
			return
		}
		outs = append(outs, out)
	}
	if !*updateDoc {
		t.Fatalf("none of %d runs prints the example of %s (run go test ./cmd/mapguard -run TestDocExample -update-doc to rewrite it)\nexample:\n%s\nfirst run:\n%s",
			len(outs), docPath, example, outs[0])
	}
	// The example is the run whose form (normalized) came up most often,
	// so that the check above finds it in a few runs.
	count := map[string]int{}
	best := outs[0]
	for _, out := range outs {
		n := normalizeReport(out)
		if count[n]++; count[n] > count[normalizeReport(best)] {
			best = out
		}
	}
	best = strings.ReplaceAll(best, root+"/", "/work/main/") + "\n"
	if err := os.WriteFile(docPath, []byte(doc[:start]+best+doc[start+end:]), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("rewrote the example in %s with the most common of %d runs (%d of them)", docPath, len(outs), count[normalizeReport(best)])
}

var (
	writeStateRE = regexp.MustCompile(`whose write to this map (was in progress|began last before the race was noticed and has finished since|was finished)`)
	goidRE       = regexp.MustCompile(`goroutine \d+`)
	hexRE        = regexp.MustCompile(`0x[0-9a-f]+`)
	pathRE       = regexp.MustCompile(`(?m)^\t\S*/([^/\s]+/[^/\s]+\.go:\d+)|\(\S*/([^/\s]+/[^/\s]+\.go:\d+)\)`)
)

// normalizeReport masks what changes from run to run and machine to
// machine: the state of the other side's write when the report read it
// (the timing decides; TestSessionServer checks the states), goroutine
// numbers, hexadecimal values, and the directories of files but their
// last.
func normalizeReport(s string) string {
	s = strings.TrimSpace(s)
	s = writeStateRE.ReplaceAllString(s, "whose write to this map (state)")
	s = goidRE.ReplaceAllString(s, "goroutine N")
	s = hexRE.ReplaceAllString(s, "0x?")
	return pathRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := pathRE.FindStringSubmatch(m)
		if sub[1] != "" {
			return "\t.../" + sub[1]
		}
		return "(.../" + sub[2] + ")"
	})
}
