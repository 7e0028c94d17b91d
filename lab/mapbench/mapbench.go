// Package mapbench is the benchmark behind maplab bench: which concurrent
// map to use for which workload, measured.
//
// Contestants are the three cmap maps, a plain map behind a sync.RWMutex,
// sync.Map, xsync.Map (github.com/puzpuzpuz/xsync/v4) and
// github.com/orcaman/concurrent-map/v2. Workloads (see [Workloads]) are
// read/write mixes from 1 to 2xGOMAXPROCS goroutines, a goroutine ranging
// while others write, and one taking snapshots while others write, over
// 1e3, 1e4 and 1e6 int or string keys.
//
// This machine is noisy, so the parent process measures nothing itself:
// it runs rounds, and in each round one fresh child process per
// (contestant, key type, key count) group, the groups interleaved, so that
// every contestant sees the same load over the run:
//
//	maplab bench                    parent: rounds, medians, reports
//	  └─ maplab [mapbench child]    one group: fill the map, measure its
//	                                bytes per entry, run every workload
//	                                (calibrated to -time each) and print
//	                                benchmark lines
//
// The children's lines are the raw output (the Go benchmark format, which
// benchstat reads); the medians across rounds make the JSON, the tables
// and the plot. go test -bench runs the same workloads (BenchmarkMaps).
package mapbench
