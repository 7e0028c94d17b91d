package crash

import (
	"os"
	"testing"

	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/callgraph/cha"
	"golang.org/x/tools/go/callgraph/vta"
	"golang.org/x/tools/go/ssa/ssautil"
)

// BenchmarkCallGraph compares the two call graphs mapvet crash could use
// on the module in $MAPVET_CRASH_BENCH_DIR (scripts/bench-crash.sh sets
// it): the time to build each, and how many goroutine entry points a
// backward walk finds per function (fewer is more precise: CHA takes a
// call through a func value to reach every function of that signature).
func BenchmarkCallGraph(b *testing.B) {
	dir := os.Getenv("MAPVET_CRASH_BENCH_DIR")
	if dir == "" {
		b.Skip("MAPVET_CRASH_BENCH_DIR is not set (scripts/bench-crash.sh sets it)")
	}
	p, err := load(dir, []string{"./..."}, false)
	if err != nil {
		b.Fatal(err)
	}
	funcs := ssautil.AllFunctions(p.prog)
	for _, tc := range []struct {
		name  string
		build func() *callgraph.Graph
	}{
		{"cha", func() *callgraph.Graph { return cha.CallGraph(p.prog) }},
		{"vta", func() *callgraph.Graph { return vta.CallGraph(funcs, cha.CallGraph(p.prog)) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var cg *callgraph.Graph
			for b.Loop() {
				cg = tc.build()
			}
			g := newGraph(cg, funcs)
			n, entries := 0, 0
			for _, sp := range p.srcPkgs {
				for i, fn := range sp.funcs {
					if i%10 != 0 {
						continue // a sample: every tenth source function
					}
					n++
					entries += len(g.entries(fn))
				}
			}
			b.ReportMetric(float64(entries)/float64(n), "entries/func")
		})
	}
}
