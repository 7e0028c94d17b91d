package mapbench

import (
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkMaps is the benchmark of maplab bench under go test: one
// sub-benchmark per contestant, key type, key count and workload, named as
// maplab bench names its lines. Select with -bench, for example
//
//	go test ./lab/mapbench -run '^$' -bench 'Maps/map=(Snapshot|xsync)/key=int/keys=1e6/work=reads99'
//
// Maps are built once per contestant, key type and count, and shared by
// that group's workloads.
func BenchmarkMaps(b *testing.B) {
	for _, c := range Contestants {
		for _, n := range []int{1e3, 1e4, 1e6} {
			benchGroup(b, c.Name, "int", n, c.newInt, intKeys)
			benchGroup(b, c.Name, "string", n, c.newString, stringKeys)
		}
	}
}

func benchGroup[K comparable](b *testing.B, name, keyType string, n int, newMap func() Map[K], keysOf func(int) []K) {
	var m Map[K]
	var keys []K
	var perEntry float64
	for _, w := range Workloads(runtime.GOMAXPROCS(0)) {
		b.Run(fmt.Sprintf("map=%s/key=%s/keys=%s/%s", name, keyType, keysLabel(n), w.name()), func(b *testing.B) {
			if m == nil {
				keys = keysOf(n)
				m, perEntry = bytesPerEntry(newMap, keys)
			}
			res := run(m, keys, w, int64(b.N))
			if res.Inapplicable {
				b.Skipf("%s has no consistent snapshot", name)
			}
			b.ReportMetric(res.NsPerOp, "ns/op")
			b.ReportMetric(res.AllocsPerOp, "allocs/op")
			b.ReportMetric(perEntry, "B/entry")
			if res.WriterNsOp > 0 {
				b.ReportMetric(res.WriterNsOp, "writer-ns/op")
			}
		})
	}
}
