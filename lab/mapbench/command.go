package mapbench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/mapsafe/mapsafe/internal/cli"
	"github.com/mapsafe/mapsafe/lab/child"
)

// Config is one run of the benchmark.
type Config struct {
	Rounds   int
	Time     time.Duration // per workload and round
	Maps     []string
	KeyTypes []string
	Keys     []int
	Kinds    []Kind // empty: all
}

// DefaultConfig is the full benchmark: about 25 minutes on 2 cores.
func DefaultConfig() Config {
	var names []string
	for _, c := range Contestants {
		names = append(names, c.Name)
	}
	return Config{Rounds: 5, Time: 150 * time.Millisecond, Maps: names,
		KeyTypes: []string{"int", "string"}, Keys: []int{1e3, 1e4, 1e6}}
}

// QuickConfig is -quick: one round, short workloads, int keys at 1e4 and
// 1e6: under a minute on 2 cores.
func QuickConfig() Config {
	c := DefaultConfig()
	c.Rounds, c.Time, c.KeyTypes, c.Keys = 1, 10*time.Millisecond, []string{"int"}, []int{1e4, 1e6}
	return c
}

// Command is maplab bench.
func Command(env cli.Env) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	quick := fs.Bool("quick", false, "one round of short workloads at 1e4 and 1e6 int keys (under a minute)")
	asJSON := fs.Bool("json", false, "print one JSON object per (map, workload) with the medians, instead of the raw lines")
	rounds := fs.Int("rounds", 0, "rounds of fresh child processes (default 5, 1 with -quick)")
	dur := fs.Duration("time", 0, "time per workload per round (default 150ms, 10ms with -quick)")
	mapsFlag := fs.String("maps", "", "comma-separated maps to run (default all: "+strings.Join(DefaultConfig().Maps, ",")+")")
	keysFlag := fs.String("keys", "", "comma-separated key counts (default 1e3,1e4,1e6)")
	typesFlag := fs.String("key", "", "comma-separated key types: int, string (default both)")
	kindsFlag := fs.String("work", "", "comma-separated workload kinds: mix, range, snapshot (default all)")
	mdFile := fs.String("md", "", "also write the tables (medians, ratios, targets) to this Markdown file")
	svgFile := fs.String("svg", "", "also write the plot of ratios against xsync to this SVG file")
	from := fs.String("from", "", "measure nothing: summarize the raw output of an earlier run, read from this file")
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, `usage: maplab bench [-quick] [-json] [flags]

Measures the concurrent maps (cmap's Snapshot, Sharded and Locked, a map
behind a sync.RWMutex, sync.Map, xsync.Map, orcaman/concurrent-map) on
read/write mixes, ranging and snapshotting, in rounds of fresh child
processes, interleaved. Prints every measurement in the Go benchmark format
(benchstat reads it), or with -json the medians; a progress line goes to
stderr. See docs/cmap-bench.md.

flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(env.Args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return cli.Exit(2, nil)
	}
	if fs.NArg() > 0 {
		return cli.Usagef("bench: unexpected argument %q", fs.Arg(0))
	}
	cfg := DefaultConfig()
	if *quick {
		cfg = QuickConfig()
	}
	if err := cfg.apply(*rounds, *dur, *mapsFlag, *keysFlag, *typesFlag, *kindsFlag); err != nil {
		return cli.Usagef("bench: %v", err)
	}

	raw := env.Stdout
	if *asJSON {
		raw = io.Discard
	}
	var lines []Line
	var err error
	if *from != "" {
		lines, err = readRaw(*from)
		cfg = cfg.covering(lines)
	} else {
		lines, err = Run(context.Background(), cfg, raw, env.Stderr)
	}
	if err != nil {
		return err
	}
	results := Summarize(lines)
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
	}
	if *mdFile != "" {
		if err := os.WriteFile(*mdFile, []byte(Markdown(cfg, results)), 0o666); err != nil {
			return err
		}
	}
	if *svgFile != "" {
		if err := os.WriteFile(*svgFile, []byte(SVG(results)), 0o666); err != nil {
			return err
		}
	}
	return nil
}

func readRaw(file string) ([]Line, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("bench: %v", err)
	}
	defer f.Close()
	lines, err := ParseRaw(f)
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %v", file, err)
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("bench: %s holds no benchmark lines", file)
	}
	return lines, nil
}

// covering returns c with the maps, key types, key counts and rounds of
// lines, for the reports of a run read back with -from (the flags that
// select maps and keys then filter nothing).
func (c Config) covering(lines []Line) Config {
	maps, types, keys := map[string]bool{}, map[string]bool{}, map[int]bool{}
	rounds := 0
	for _, l := range lines {
		if r, ok := parseName(l.Name); ok {
			maps[r.Map], types[r.Key], keys[r.Keys] = true, true, true
		}
		rounds = max(rounds, l.Round+1)
	}
	out := c
	out.Maps, out.KeyTypes, out.Keys, out.Rounds = nil, nil, nil, rounds
	for _, m := range DefaultConfig().Maps {
		if maps[m] {
			out.Maps = append(out.Maps, m)
		}
	}
	for _, t := range []string{"int", "string"} {
		if types[t] {
			out.KeyTypes = append(out.KeyTypes, t)
		}
	}
	for _, n := range []int{1e3, 1e4, 1e5, 1e6, 1e7} {
		if keys[n] {
			out.Keys = append(out.Keys, n)
		}
	}
	return out
}

func (c *Config) apply(rounds int, d time.Duration, maps, keys, types, kinds string) error {
	if rounds < 0 || d < 0 {
		return fmt.Errorf("-rounds and -time must not be negative")
	}
	if rounds > 0 {
		c.Rounds = rounds
	}
	if d > 0 {
		c.Time = d
	}
	if maps != "" {
		c.Maps = strings.Split(maps, ",")
		for _, m := range c.Maps {
			if _, ok := ContestantNamed(m); !ok {
				return fmt.Errorf("-maps: no map named %q (maps: %s)", m, strings.Join(DefaultConfig().Maps, ","))
			}
		}
	}
	if keys != "" {
		c.Keys = nil
		for _, k := range strings.Split(keys, ",") {
			f, err := strconv.ParseFloat(k, 64)
			if err != nil || f < 1 || f > 1e8 || f != float64(int(f)) {
				return fmt.Errorf("-keys: %q is not a key count from 1 to 1e8", k)
			}
			c.Keys = append(c.Keys, int(f))
		}
	}
	if types != "" {
		c.KeyTypes = strings.Split(types, ",")
		for _, t := range c.KeyTypes {
			if t != "int" && t != "string" {
				return fmt.Errorf("-key: %q is not a key type (int, string)", t)
			}
		}
	}
	if kinds != "" {
		c.Kinds = nil
		for _, k := range strings.Split(kinds, ",") {
			if k := Kind(k); k == Mix || k == Ranging || k == Snapshotting {
				c.Kinds = append(c.Kinds, k)
				continue
			}
			return fmt.Errorf("-work: %q is not a workload kind (mix, range, snapshot)", k)
		}
	}
	return nil
}

// Run runs cfg's rounds and returns every line the children printed,
// writing them (after a header of configuration lines) to raw as they come
// and a progress line to progress.
func Run(ctx context.Context, cfg Config, raw, progress io.Writer) ([]Line, error) {
	fmt.Fprintf(raw, "goos: %s\ngoarch: %s\ngo: %s\nrounds: %d\ntime-per-workload: %v\n",
		runtime.GOOS, runtime.GOARCH, runtime.Version(), cfg.Rounds, cfg.Time)
	if cpu := cpuName(); cpu != "" {
		fmt.Fprintf(raw, "cpu: %s\n", cpu)
	}
	var all []Line
	groups := cfg.groups()
	total, done := cfg.Rounds*len(groups), 0
	start := time.Now()
	p := newProgress(progress)
	for round := range cfg.Rounds {
		for _, g := range rotate(groups, round, len(cfg.Maps)) {
			done++
			p.printf("bench: round %d/%d  %-8s %-6s keys=%-4s  [%d/%d, %s]",
				round+1, cfg.Rounds, g.Map, g.KeyType, keysLabel(g.Keys), done, total, time.Since(start).Round(time.Second))
			lines, err := runGroup(ctx, g)
			if err != nil {
				p.done()
				return nil, err
			}
			for i := range lines {
				lines[i].Round = round
				fmt.Fprintln(raw, lines[i])
			}
			all = append(all, lines...)
		}
	}
	p.done()
	return all, nil
}

// groups lists the child runs of one round: blocks of one key type and
// count, each with every map in turn.
func (c Config) groups() []group {
	var gs []group
	for _, t := range c.KeyTypes {
		for _, n := range c.Keys {
			for _, m := range c.Maps {
				gs = append(gs, group{Map: m, KeyType: t, Keys: n, Time: c.Time, Kinds: c.Kinds})
			}
		}
	}
	return gs
}

// rotate starts every block of k maps at a different map each round, so
// that no map always runs first (on a cold machine) or last.
func rotate(gs []group, round, k int) []group {
	out := make([]group, 0, len(gs))
	for b := 0; b < len(gs); b += k {
		block := gs[b:min(b+k, len(gs))]
		for i := range block {
			out = append(out, block[(i+round)%len(block)])
		}
	}
	return out
}

func runGroup(ctx context.Context, g group) ([]Line, error) {
	res, err := child.Run(ctx, child.Spec{Program: childProgram, Args: g.args(), Timeout: 30 * time.Minute})
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		return nil, fmt.Errorf("bench: %s %s keys=%s: child exited with status %d: %s",
			g.Map, g.KeyType, keysLabel(g.Keys), res.ExitCode, bytes.TrimSpace(res.Stderr))
	}
	var lines []Line
	sc := bufio.NewScanner(bytes.NewReader(res.Stdout))
	for sc.Scan() {
		l, err := parseLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("bench: %s %s keys=%s: %v", g.Map, g.KeyType, keysLabel(g.Keys), err)
		}
		lines = append(lines, l)
	}
	return lines, nil
}

func cpuName() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// progress writes one line that rewrites itself on a terminal and one line
// per update elsewhere.
type progress struct {
	w    io.Writer
	term bool
	last int
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	term := false
	if ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			term = true
		}
	}
	return &progress{w: w, term: term}
}

func (p *progress) printf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if !p.term {
		fmt.Fprintln(p.w, s)
		return
	}
	pad := max(p.last-len(s), 0)
	fmt.Fprintf(p.w, "\r%s%s", s, strings.Repeat(" ", pad))
	p.last = len(s)
}

func (p *progress) done() {
	if p.term && p.last > 0 {
		fmt.Fprintln(p.w)
	}
}
