#!/usr/bin/env bash
# Map-heavy benchmarks (guard/bench) built three ways from one source --
# stock, with mapguard, with -race -- and run side by side: each round runs
# every benchmark binary once, in turn, so load on the machine hits all three
# alike. benchstat then prints medians and, per benchmark and as a geomean,
# the ratio of each build to stock.
#
# usage: scripts/bench-mapguard.sh [rounds] [benchtime] [out dir]
#   defaults: 10 rounds, 200ms, a temporary directory (printed)
#
# Environment: GOTOOLCHAIN chooses the toolchain as for go; BENCH narrows the
# benchmarks (a -test.bench regexp, default .).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-10}
benchtime=${2:-200ms}
out=${3:-$(mktemp -d)}
mkdir -p "$out"
bench=${BENCH:-.}

echo "bench-mapguard: $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "bench-mapguard: building into $out" >&2
go build -o "$out/mapguard" ./cmd/mapguard
go test -c -o "$out/stock.test" ./guard/bench
"$out/mapguard" test -c -o "$out/mapguard.test" ./guard/bench
go test -race -c -o "$out/race.test" ./guard/bench

: >"$out/stock.txt"
: >"$out/mapguard.txt"
: >"$out/race.txt"
for r in $(seq 1 "$rounds"); do
	echo "bench-mapguard: round $r/$rounds" >&2
	for b in stock mapguard race; do
		"$out/$b.test" -test.run='^$' -test.bench="$bench" -test.benchtime="$benchtime" >>"$out/$b.txt"
	done
done

# benchstat compares each file with the first (stock).
benchstat=(go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da)
"${benchstat[@]}" stock="$out/stock.txt" mapguard="$out/mapguard.txt" race="$out/race.txt" | tee "$out/benchstat.txt"
echo "bench-mapguard: raw results and benchstat output in $out" >&2
