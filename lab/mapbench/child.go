package mapbench

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mapsafe/mapsafe/lab/child"
)

// childProgram is the lab/child program that measures one group.
const childProgram = "mapbench"

func init() { child.Register(childProgram, childMain) }

// group is what one child process measures.
type group struct {
	Map     string
	KeyType string // "int" or "string"
	Keys    int
	Time    time.Duration // per workload
	Kinds   []Kind        // workload kinds to run (empty: all)
}

func (g group) args() []string {
	var kinds []string
	for _, k := range g.Kinds {
		kinds = append(kinds, string(k))
	}
	return []string{"-map", g.Map, "-key", g.KeyType, "-keys", fmt.Sprint(g.Keys),
		"-time", g.Time.String(), "-kinds", strings.Join(kinds, ",")}
}

func childMain(args []string) int {
	var g group
	fs := flag.NewFlagSet(childProgram, flag.ContinueOnError)
	fs.StringVar(&g.Map, "map", "", "")
	fs.StringVar(&g.KeyType, "key", "int", "")
	fs.IntVar(&g.Keys, "keys", 1000, "")
	fs.DurationVar(&g.Time, "time", 200*time.Millisecond, "")
	kinds := fs.String("kinds", "", "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	for _, k := range strings.Split(*kinds, ",") {
		if k != "" {
			g.Kinds = append(g.Kinds, Kind(k))
		}
	}
	if err := measureGroup(os.Stdout, g); err != nil {
		fmt.Fprintf(os.Stderr, "mapbench child: %v\n", err)
		return 1
	}
	return 0
}

// measureGroup fills one map and runs the group's workloads on it,
// printing one benchmark line each.
func measureGroup(w io.Writer, g group) error {
	c, ok := ContestantNamed(g.Map)
	if !ok {
		return fmt.Errorf("no map named %q", g.Map)
	}
	switch g.KeyType {
	case "int":
		return measureKeys(w, g, c.newInt, intKeys(g.Keys))
	case "string":
		return measureKeys(w, g, c.newString, stringKeys(g.Keys))
	}
	return fmt.Errorf("key type %q: want int or string", g.KeyType)
}

func measureKeys[K comparable](w io.Writer, g group, newMap func() Map[K], keys []K) error {
	m, perEntry := bytesPerEntry(newMap, keys)
	procs := runtime.GOMAXPROCS(0)
	for _, wl := range Workloads(procs) {
		if len(g.Kinds) > 0 && !slices.Contains(g.Kinds, wl.Kind) {
			continue
		}
		res := measure(m, keys, wl, g.Time)
		if res.Inapplicable {
			continue
		}
		line := Line{
			Name:  benchName(g.Map, g.KeyType, g.Keys, wl),
			Procs: procs,
			N:     res.Ops,
			Metrics: []Metric{
				{res.NsPerOp, "ns/op"},
				{res.AllocsPerOp, "allocs/op"},
				{perEntry, "B/entry"},
			},
		}
		if res.WriterNsOp > 0 {
			line.Metrics = append(line.Metrics, Metric{res.WriterNsOp, "writer-ns/op"})
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

func benchName(m, keyType string, keys int, w Workload) string {
	return fmt.Sprintf("BenchmarkMaps/map=%s/key=%s/keys=%s/%s", m, keyType, keysLabel(keys), w.name())
}
