package mapbench

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A Result is the median over rounds of one (map, key type, key count,
// workload); it is what maplab bench -json prints, one object per line.
type Result struct {
	Map        string `json:"map"`
	Key        string `json:"key"`
	Keys       int    `json:"keys"`
	Workload   Kind   `json:"workload"`
	Reads      int    `json:"reads"` // percent of Loads (mix), 0 otherwise
	Goroutines int    `json:"goroutines"`
	// NsPerOp is per operation (mix), per entry visited by the ranging
	// goroutine (range), or per snapshot (snapshot).
	NsPerOp       float64 `json:"ns_per_op"`
	AllocsPerOp   float64 `json:"allocs_per_op"`
	BytesPerEntry float64 `json:"bytes_per_entry"`
	WriterNsPerOp float64 `json:"writer_ns_per_op,omitempty"`
	// VsXsync is the median over rounds of NsPerOp over xsync's for the
	// same workload in the same round (0 if xsync did not run it).
	VsXsync float64 `json:"ratio_vs_xsync,omitempty"`
	Rounds  int     `json:"rounds"`

	byRound map[int]float64 // ns/op of each round
}

func (r Result) workload() Workload { return Workload{r.Workload, r.Reads, r.Goroutines} }

// Summarize takes the median of every metric of each benchmark over the
// rounds, and the ratio to xsync.
func Summarize(lines []Line) []Result {
	byName := map[string][]Line{}
	var order []string
	for _, l := range lines {
		if _, ok := byName[l.Name]; !ok {
			order = append(order, l.Name)
		}
		byName[l.Name] = append(byName[l.Name], l)
	}
	var rs []Result
	for _, name := range order {
		r, ok := parseName(name)
		if !ok {
			continue
		}
		ls := byName[name]
		r.Rounds = len(ls)
		r.NsPerOp = medianOf(ls, "ns/op")
		r.AllocsPerOp = medianOf(ls, "allocs/op")
		r.BytesPerEntry = medianOf(ls, "B/entry")
		r.WriterNsPerOp = medianOf(ls, "writer-ns/op")
		r.byRound = map[int]float64{}
		for _, l := range ls {
			r.byRound[l.Round], _ = l.Metric("ns/op")
		}
		rs = append(rs, r)
	}
	for i, r := range rs {
		if x, ok := find(rs, "xsync", r.Key, r.Keys, r.workload()); ok {
			rs[i].VsXsync = pairedRatio(r, x)
		}
	}
	return rs
}

// pairedRatio is the median over the rounds that measured both of a's
// ns/op over b's. On a loaded machine it is steadier than the ratio of
// the medians: the two were measured a minute or two apart, under about
// the same load, while rounds lie minutes apart.
func pairedRatio(a, b Result) float64 {
	var qs []float64
	for round, x := range a.byRound {
		if y, ok := b.byRound[round]; ok && y > 0 {
			qs = append(qs, x/y)
		}
	}
	return median(qs)
}

func medianOf(ls []Line, unit string) float64 {
	var vs []float64
	for _, l := range ls {
		if v, ok := l.Metric(unit); ok {
			vs = append(vs, v)
		}
	}
	return median(vs)
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	vs = slices.Sorted(slices.Values(vs))
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2
	}
	return vs[len(vs)/2]
}

// parseName reads a benchmark name made by benchName.
func parseName(name string) (Result, bool) {
	var r Result
	parts := strings.Split(name, "/")
	if len(parts) != 6 || parts[0] != "BenchmarkMaps" {
		return r, false
	}
	kv := map[string]string{}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return r, false
		}
		kv[k] = v
	}
	r.Map, r.Key = kv["map"], kv["key"]
	keys, err := strconv.ParseFloat(kv["keys"], 64)
	if err != nil {
		return r, false
	}
	r.Keys = int(keys)
	if r.Goroutines, err = strconv.Atoi(kv["g"]); err != nil {
		return r, false
	}
	work := kv["work"]
	if rest, ok := strings.CutPrefix(work, "reads"); ok {
		r.Workload = Mix
		if r.Reads, err = strconv.Atoi(rest); err != nil {
			return r, false
		}
	} else {
		r.Workload = Kind(work)
	}
	return r, true
}

func find(rs []Result, m, key string, keys int, w Workload) (Result, bool) {
	for _, r := range rs {
		if r.Map == m && r.Key == key && r.Keys == keys && r.workload() == w {
			return r, true
		}
	}
	return Result{}, false
}

// Markdown renders the medians as the tables of docs/cmap-bench.md: the
// targets first, then every workload.
func Markdown(cfg Config, rs []Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Medians of %d rounds, %v per workload and round. A ratio of two maps is the median of their\n"+
		"per-round ratios (both measured in the same round, a minute or two apart).\n\n", cfg.Rounds, cfg.Time)
	b.WriteString(targetTable(rs))
	fastestTable(&b, cfg, rs)
	for _, t := range cfg.KeyTypes {
		for _, n := range cfg.Keys {
			mixTable(&b, cfg, rs, t, n)
		}
	}
	otherTable(&b, cfg, rs)
	memTable(&b, cfg, rs)
	return b.String()
}

func mixTable(b *strings.Builder, cfg Config, rs []Result, key string, n int) {
	fmt.Fprintf(b, "\n#### %s keys, %s: ns/op (ratio to xsync)\n\n", key, keysLabel(n))
	mapHeader(b, "workload", cfg.Maps)
	for _, w := range Workloads(procsOf(rs)) {
		if w.Kind != Mix {
			continue
		}
		mapRow(b, w.String(), cfg.Maps, func(m string) string {
			r, ok := find(rs, m, key, n, w)
			switch {
			case !ok:
				return ""
			case r.VsXsync > 0 && m != "xsync":
				return fmt.Sprintf("%s (%.2fx)", ns(r.NsPerOp), r.VsXsync)
			}
			return ns(r.NsPerOp)
		})
	}
}

// mapHeader starts a table with a column per map after the first.
func mapHeader(b *strings.Builder, first string, maps []string) {
	fmt.Fprintf(b, "| %s |", first)
	for _, m := range maps {
		fmt.Fprintf(b, " %s |", m)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(maps)) + "\n")
}

// mapRow writes a row of such a table, a cell per map.
func mapRow(b *strings.Builder, label string, maps []string, cell func(m string) string) {
	fmt.Fprintf(b, "| %s |", label)
	for _, m := range maps {
		fmt.Fprintf(b, " %s |", cell(m))
	}
	b.WriteString("\n")
}

// fastestTable names, for each workload and key set, the fastest map and
// how much slower the runner-up is.
func fastestTable(b *strings.Builder, cfg Config, rs []Result) {
	b.WriteString("\n#### Fastest map per workload (runner-up's time over the fastest's)\n\n| workload |")
	for _, t := range cfg.KeyTypes {
		for _, n := range cfg.Keys {
			fmt.Fprintf(b, " %s %s |", t, keysLabel(n))
		}
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(cfg.KeyTypes)*len(cfg.Keys)) + "\n")
	for _, w := range Workloads(procsOf(rs)) {
		fmt.Fprintf(b, "| %s |", w)
		for _, t := range cfg.KeyTypes {
			for _, n := range cfg.Keys {
				var got []Result
				for _, m := range cfg.Maps {
					if r, ok := find(rs, m, t, n, w); ok {
						got = append(got, r)
					}
				}
				slices.SortFunc(got, func(a, b Result) int { return cmpFloat(a.NsPerOp, b.NsPerOp) })
				switch len(got) {
				case 0:
					b.WriteString(" |")
				case 1:
					fmt.Fprintf(b, " %s |", got[0].Map)
				default:
					fmt.Fprintf(b, " %s (%s %.2fx) |", got[0].Map, got[1].Map, got[1].NsPerOp/got[0].NsPerOp)
				}
			}
		}
		b.WriteString("\n")
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func otherTable(b *strings.Builder, cfg Config, rs []Result) {
	b.WriteString("\n#### Ranging and snapshotting while others write\n\n" +
		"range: ns per entry visited by the ranging goroutine; snapshot: ns per snapshot taken; " +
		"after the slash, the writer's ns per write (g=2). Empty: the map has no consistent snapshot.\n\n")
	mapHeader(b, "key, keys, workload", cfg.Maps)
	for _, t := range cfg.KeyTypes {
		for _, n := range cfg.Keys {
			for _, w := range Workloads(procsOf(rs)) {
				if w.Kind == Mix {
					continue
				}
				mapRow(b, fmt.Sprintf("%s %s %s", t, keysLabel(n), w), cfg.Maps, func(m string) string {
					r, ok := find(rs, m, t, n, w)
					switch {
					case !ok:
						return ""
					case r.WriterNsPerOp > 0:
						return fmt.Sprintf("%s / %s", ns(r.NsPerOp), ns(r.WriterNsPerOp))
					}
					return ns(r.NsPerOp)
				})
			}
		}
	}
}

func memTable(b *strings.Builder, cfg Config, rs []Result) {
	b.WriteString("\n#### Memory: heap bytes per entry of a full map (keys themselves excluded)\n\n")
	mapHeader(b, "key, keys", cfg.Maps)
	for _, t := range cfg.KeyTypes {
		for _, n := range cfg.Keys {
			mapRow(b, fmt.Sprintf("%s %s", t, keysLabel(n)), cfg.Maps, func(m string) string {
				if r, ok := find(rs, m, t, n, Workload{Mix, 100, 1}); ok {
					return fmt.Sprintf("%.1f", r.BytesPerEntry)
				}
				return ""
			})
		}
	}
}

// procsOf recovers GOMAXPROCS from the largest goroutine count (2xprocs).
func procsOf(rs []Result) int {
	g := 2
	for _, r := range rs {
		g = max(g, r.Goroutines)
	}
	return max(g/2, 1)
}

func ns(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1f µs", v/1e3)
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// A target is one goal of issue 14 and how the results measure it.
type target struct {
	goal    string
	measure func(rs []Result) (value string, ok, known bool)
}

var targets = []target{
	{"Snapshot, 1e6 int keys, 99% reads, 2 goroutines: <= 1.0x xsync", ratioTarget("Snapshot", Workload{Mix, 99, 2}, 1.0)},
	{"Snapshot, 1e6 int keys, 90% reads, 2 goroutines: <= 1.5x xsync", ratioTarget("Snapshot", Workload{Mix, 90, 2}, 1.5)},
	{"Snapshot, 1e6 int keys, 50% reads, 2 goroutines: <= 3x xsync", ratioTarget("Snapshot", Workload{Mix, 50, 2}, 3.0)},
	{"Snapshot: 0 allocations per Load (100% reads, 1e6 int, any g)", allocTarget("Snapshot")},
	{"Snapshot(): flat from 1e3 to 1e6 int keys (1e6 / 1e3 <= 2)", flatSnapshot},
	{"full iteration of a 1e6-int-key snapshot <= 2x ranging a plain map (RWMutex, 1 goroutine)", iterTarget},
	{"Snapshot memory per entry at 1e6 int keys <= 2x xsync", memTarget("int")},
	{"Snapshot memory per entry at 1e6 string keys <= 2x xsync", memTarget("string")},
	{"Locked: 0 allocations per Load (100% reads, 1e6 int, any g)", allocTarget("Locked")},
	{"Sharded: 0 allocations per Load (100% reads, 1e6 int, any g)", allocTarget("Sharded")},
	{"Sharded >= Locked at 50% reads, 2 goroutines (Sharded/Locked ns, worst key set)", shardedVsLocked},
	{"every cmap map <= 1.5x RWMutex at 100% reads, 1 goroutine (worst map and key set)", vsRWMutex},
}

func targetTable(rs []Result) string {
	var b strings.Builder
	b.WriteString("| target | measured | met |\n|---|---|---|\n")
	for _, t := range targets {
		v, ok, known := t.measure(rs)
		met := "yes"
		switch {
		case !known:
			v, met = "not measured in this run", "-"
		case !ok:
			met = "**no**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.goal, v, met)
	}
	return b.String()
}

func ratioTarget(m string, w Workload, limit float64) func([]Result) (string, bool, bool) {
	return func(rs []Result) (string, bool, bool) {
		r, ok := find(rs, m, "int", 1e6, w)
		if !ok || r.VsXsync == 0 {
			return "", false, false
		}
		x, _ := find(rs, "xsync", "int", 1e6, w)
		return fmt.Sprintf("%.2fx (medians %s vs %s ns/op)", r.VsXsync, ns(r.NsPerOp), ns(x.NsPerOp)), r.VsXsync <= limit, true
	}
}

func allocTarget(m string) func([]Result) (string, bool, bool) {
	return func(rs []Result) (string, bool, bool) {
		worst, found := 0.0, false
		for _, r := range rs {
			if r.Map == m && r.Key == "int" && r.Keys == 1e6 && r.Workload == Mix && r.Reads == 100 {
				worst, found = math.Max(worst, r.AllocsPerOp), true
			}
		}
		// The goroutines a run starts allocate a few objects: under one
		// per thousand operations is no allocation per Load.
		return fmt.Sprintf("%.4f allocs/op", worst), worst < 1e-3, found
	}
}

func flatSnapshot(rs []Result) (string, bool, bool) {
	w := Workload{Snapshotting, 0, 1}
	var parts []string
	var by []Result
	for _, n := range []int{1e3, 1e4, 1e6} {
		r, ok := find(rs, "Snapshot", "int", n, w)
		if !ok {
			return "", false, false
		}
		parts = append(parts, fmt.Sprintf("%s: %s ns", keysLabel(n), ns(r.NsPerOp)))
		by = append(by, r)
	}
	q := pairedRatio(by[2], by[0])
	return strings.Join(parts, ", ") + fmt.Sprintf(" (1e6/1e3 %.2fx)", q), q <= 2, true
}

func iterTarget(rs []Result) (string, bool, bool) {
	w := Workload{Ranging, 0, 1}
	s, ok1 := find(rs, "Snapshot", "int", 1e6, w)
	p, ok2 := find(rs, "RWMutex", "int", 1e6, w)
	if !ok1 || !ok2 {
		return "", false, false
	}
	q := pairedRatio(s, p)
	return fmt.Sprintf("%.2fx (medians %s vs %s ns/entry)", q, ns(s.NsPerOp), ns(p.NsPerOp)), q <= 2, true
}

func memTarget(key string) func([]Result) (string, bool, bool) {
	return func(rs []Result) (string, bool, bool) {
		w := Workload{Mix, 100, 1}
		s, ok1 := find(rs, "Snapshot", key, 1e6, w)
		x, ok2 := find(rs, "xsync", key, 1e6, w)
		if !ok1 || !ok2 {
			return "", false, false
		}
		q := s.BytesPerEntry / x.BytesPerEntry
		return fmt.Sprintf("%.2fx (%.1f vs %.1f B/entry)", q, s.BytesPerEntry, x.BytesPerEntry), q <= 2, true
	}
}

func shardedVsLocked(rs []Result) (string, bool, bool) {
	w := Workload{Mix, 50, 2}
	worst, where := 0.0, ""
	for _, s := range rs {
		if s.Map != "Sharded" || s.workload() != w {
			continue
		}
		if l, ok := find(rs, "Locked", s.Key, s.Keys, w); ok && pairedRatio(s, l) > worst {
			worst, where = pairedRatio(s, l), fmt.Sprintf("%s %s", s.Key, keysLabel(s.Keys))
		}
	}
	if where == "" {
		return "", false, false
	}
	return fmt.Sprintf("%.2fx at worst (%s)", worst, where), worst <= 1, true
}

func vsRWMutex(rs []Result) (string, bool, bool) {
	w := Workload{Mix, 100, 1}
	worst, where := 0.0, ""
	for _, r := range rs {
		if r.workload() != w || (r.Map != "Snapshot" && r.Map != "Sharded" && r.Map != "Locked") {
			continue
		}
		if p, ok := find(rs, "RWMutex", r.Key, r.Keys, w); ok && pairedRatio(r, p) > worst {
			worst, where = pairedRatio(r, p), fmt.Sprintf("%s, %s %s", r.Map, r.Key, keysLabel(r.Keys))
		}
	}
	if where == "" {
		return "", false, false
	}
	return fmt.Sprintf("%.2fx at worst (%s)", worst, where), worst <= 1.5, true
}
