#!/usr/bin/env bash
# bench-crash.sh: how long mapvet crash takes on a large crash of a large
# module, next to go vet on the same packages.
#
# The module is golang.org/x/tools at the version go.mod names (a few
# hundred packages, copied from the module cache into a temporary
# directory), with one more command added to it, cmd/mapcrash, that parks
# 10,000 goroutines and then crashes with "concurrent map iteration and map
# write". Its GOTRACEBACK=all dump is the log. Timed, interleaved, RUNS
# times each (medians, wall seconds):
#   crash      mapvet crash -log dump ./...      (parse the dump, load and analyze every package, answer)
#   crash-1    mapvet crash -log dump ./cmd/mapcrash   (the same dump, one package: the dump's own cost)
#   vet-cold   go vet ./...   from an empty GOCACHE
#   vet-export go vet ./...   from a cache holding the packages' compiled export data, no vet results
#   vet-warm   go vet ./...   re-run on the cache of a previous run (results replayed)
# mapvet crash runs from an empty GOCACHE too (it compiles nothing; go list
# is all it asks of the go command). Then the call-graph benchmark
# (BenchmarkCallGraph: CHA against VTA on the same module).
#
# Usage: scripts/bench-crash.sh [RUNS]   (default 3); writes docs/mapvet-crash-bench.md
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
OUT=docs/mapvet-crash-bench.md
root=$PWD
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT

go build -o "$tmp/mapvet" ./cmd/mapvet

# The module.
ver=$(go list -m -f '{{.Version}}' golang.org/x/tools)
src=$(go mod download -json golang.org/x/tools@"$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
mod=$tmp/tools
cp -r "$src" "$mod"
chmod -R u+w "$mod"
(cd "$mod" && go mod download >/dev/null 2>&1)
mkdir -p "$mod/cmd/mapcrash"
cat > "$mod/cmd/mapcrash/main.go" <<'EOF'
// Command mapcrash parks 10,000 goroutines, then races a writer against a
// reader on a map field, for scripts/bench-crash.sh in the mapsafe
// repository: its GOTRACEBACK=all dump is a large crash log.
package main

import (
	"fmt"
	"sync"
	"time"
)

type registry struct {
	mu    sync.Mutex
	items map[string]int
}

func (r *registry) set(k string, v int) {
	r.items[k] = v
}

func (r *registry) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, v := range r.items {
		n += v
	}
	return n
}

func idle(block chan struct{}) { <-block }

func poll(block chan struct{}) {
	for {
		select {
		case <-block:
			return
		case <-time.After(time.Hour):
		}
	}
}

func drain(jobs chan int, r *registry) {
	for j := range jobs {
		r.set(fmt.Sprint(j), j)
	}
}

func main() {
	block, jobs := make(chan struct{}), make(chan int)
	r := &registry{items: map[string]int{}}
	var keys []string
	for i := range 64 {
		keys = append(keys, fmt.Sprint("k", i))
		r.items[keys[i]] = i
	}
	var started sync.WaitGroup
	for i := range 10000 {
		started.Add(1)
		switch i % 3 {
		case 0:
			go func() { started.Done(); idle(block) }()
		case 1:
			go func() { started.Done(); poll(block) }()
		default:
			go func() { started.Done(); drain(jobs, r) }()
		}
	}
	started.Wait()
	go func() {
		for i := 0; ; i++ {
			r.set(keys[i%64], i)
		}
	}()
	for {
		r.total()
	}
}
EOF
(cd "$mod" && go build -o "$tmp/mapcrash" ./cmd/mapcrash)
npkgs=$(cd "$mod" && go list ./... | wc -l)
for i in $(seq 20); do
	GOTRACEBACK=all "$tmp/mapcrash" > "$tmp/dump.log" 2>&1 || true
	grep -q "fatal error: concurrent map" "$tmp/dump.log" && break
done
ngor=$(grep -c '^goroutine ' "$tmp/dump.log")
dumpsize=$(du -k "$tmp/dump.log" | cut -f1)

now() { date +%s.%N; }
time_cmd() { # CACHE CMD... ; prints elapsed seconds
	local cache=$1
	shift
	local t0 t1
	t0=$(now)
	(cd "$mod" && GOCACHE=$cache GOFLAGS= "$@" >/dev/null 2>&1) || true
	t1=$(now)
	echo "$t1 - $t0" | bc
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

primed=$tmp/primed
(cd "$mod" && GOCACHE=$primed GOFLAGS= go list -export -deps ./... >/dev/null)
warm=$tmp/warm
time_cmd "$warm" go vet ./... >/dev/null
for k in crash crash1 cold export warm; do : > "$tmp/t_$k"; done
for i in $(seq "$RUNS"); do
	c=$(mktemp -d -p "$tmp"); time_cmd "$c" "$tmp/mapvet" crash -log "$tmp/dump.log" ./... >> "$tmp/t_crash"; rm -rf "$c"
	c=$(mktemp -d -p "$tmp"); time_cmd "$c" "$tmp/mapvet" crash -log "$tmp/dump.log" ./cmd/mapcrash >> "$tmp/t_crash1"; rm -rf "$c"
	c=$(mktemp -d -p "$tmp"); time_cmd "$c" go vet ./... >> "$tmp/t_cold"; chmod -R u+w "$c"; rm -rf "$c"
	c=$(mktemp -d -p "$tmp"); cp -a "$primed/." "$c"; time_cmd "$c" go vet ./... >> "$tmp/t_export"; chmod -R u+w "$c"; rm -rf "$c"
	time_cmd "$warm" go vet ./... >> "$tmp/t_warm"
done
crash=$(median < "$tmp/t_crash"); crash1=$(median < "$tmp/t_crash1")
cold=$(median < "$tmp/t_cold"); export=$(median < "$tmp/t_export"); warmt=$(median < "$tmp/t_warm")
answer=$(cd "$mod" && "$tmp/mapvet" crash -n 3 -log "$tmp/dump.log" ./... 2>&1 || true)

bench=$(cd "$root" && MAPVET_CRASH_BENCH_DIR=$mod go test -run '^$' -bench CallGraph -benchtime 3x ./mapvet/crash | grep Benchmark || true)

{
	echo "# mapvet crash running time"
	echo
	echo "Measured by \`scripts/bench-crash.sh $RUNS\` on $(date -u +%Y-%m-%d), $(go version | cut -d' ' -f3),"
	echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')). Medians of $RUNS runs, wall"
	echo "seconds, the commands interleaved in each round."
	echo
	echo "The module is golang.org/x/tools $ver ($npkgs packages with the added cmd/mapcrash); the"
	echo "log is cmd/mapcrash's GOTRACEBACK=all dump: $ngor goroutines, ${dumpsize} KiB."
	echo
	echo "| command | seconds | / go vet (empty cache) | / go vet (export data cached) |"
	echo "|---|---|---|---|"
	printf '| mapvet crash -log dump ./... | %.2f | %.2f | %.2f |\n' "$crash" "$(echo "$crash / $cold" | bc -l)" "$(echo "$crash / $export" | bc -l)"
	printf '| mapvet crash -log dump ./cmd/mapcrash | %.2f | %.2f | %.2f |\n' "$crash1" "$(echo "$crash1 / $cold" | bc -l)" "$(echo "$crash1 / $export" | bc -l)"
	printf '| go vet ./... (empty GOCACHE) | %.2f | 1 | |\n' "$cold"
	printf '| go vet ./... (export data cached, no vet results) | %.2f | | 1 |\n' "$export"
	printf '| go vet ./... (warm: results replayed) | %.2f | | |\n' "$warmt"
	echo
	echo "The answer (first three candidates):"
	echo
	echo '```'
	echo "$answer" | sed "s|$mod/||g"
	echo '```'
	echo
	echo "## Call graph: CHA against VTA on the same module"
	echo
	echo "BenchmarkCallGraph builds each graph (ns/op) and walks it backwards from every tenth"
	echo "source function to the goroutine entry points that reach it (entries/func, fewer is"
	echo "more precise):"
	echo
	echo '```'
	echo "$bench"
	echo '```'
} > "$OUT"
cat "$OUT"
