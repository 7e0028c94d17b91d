#!/usr/bin/env bash
# Map-heavy benchmarks (guard/bench) built three ways from one source --
# stock, with mapguard, with -race -- and run side by side: each round runs
# every benchmark binary once, in turn, so load on the machine hits all three
# alike. benchstat then prints medians and, per benchmark and as a geomean,
# the ratio of each build to stock, for two measures: sec/op (wall time) and
# cpu-ns/op (the CPU time of the benchmark's thread, which time spent
# waiting for a core on a shared machine does not inflate).
#
# usage: scripts/bench-mapguard.sh [rounds] [benchtime] [out dir]
#   defaults: 10 rounds, 200ms, a temporary directory (printed)
#
# Environment: GOTOOLCHAIN chooses the toolchain as for go; BENCH narrows the
# benchmarks (a -test.bench regexp, default .); INSTR=1 also counts
# instructions per operation of the stock and mapguard builds under
# valgrind's callgrind, a measure that load on the machine does not move
# (the difference of a 2N- and an N-iteration run, so set-up cancels; N is
# 1000 for FillInt and RangeInt, whose operation is a whole 1024-entry map,
# else 100000: N must be large enough that background work, which grows with
# a run's length rather than its iterations, does not count). Each
# process hashes with its own random seed, which moves the count of a map
# operation by a percent or two, so each figure is the median of
# INSTR_REPEAT (default 3) such differences.
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

if [ "${INSTR:-0}" = 1 ] && command -v valgrind >/dev/null 2>&1; then
	names=$("$out/stock.test" -test.list="$bench" | grep '^Benchmark')
	repeat=${INSTR_REPEAT:-3}
	irefs() { # binary benchmark iterations -> instructions executed
		GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$1" -test.run='^$' -test.bench="^$2\$" -test.benchtime="$3x" -test.cpu=1 2>&1 >/dev/null |
			sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
	}
	perop() { # binary benchmark iterations -> median instructions per operation
		for _ in $(seq 1 "$repeat"); do
			a=$(irefs "$1" "$2" "$3")
			b=$(irefs "$1" "$2" $((2 * $3)))
			awk -v a="$a" -v b="$b" -v k="$3" 'BEGIN { printf "%.1f\n", (b - a) / k }'
		done | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
	}
	{
		printf '%-22s %14s %14s %8s\n' benchmark stock-instr/op mapguard-instr/op ratio
		for n in $names; do
			case $n in BenchmarkFillInt | BenchmarkRangeInt) k=1000 ;; *) k=100000 ;; esac
			s=$(perop "$out/stock.test" "$n" $k)
			g=$(perop "$out/mapguard.test" "$n" $k)
			awk -v n="$n" -v s="$s" -v g="$g" 'BEGIN { printf "%-22s %14.1f %14.1f %8.3f\n", n, s, g, g / s }'
		done
	} | tee "$out/instructions.txt"
	awk 'NR > 1 { l += log($4); k++ } END { printf "geomean ratio %.3f\n", exp(l / k) }' "$out/instructions.txt" | tee -a "$out/instructions.txt"
fi
