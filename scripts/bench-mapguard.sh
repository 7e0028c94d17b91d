#!/usr/bin/env bash
# Map-heavy benchmarks (guard/bench) built three ways from one source --
# stock, with mapguard, with -race -- and run side by side: each round runs
# every benchmark binary once, in turn (in the opposite order every other
# round, so that running first or last favours none), so load on the machine
# hits all three alike. benchstat then prints medians and, per benchmark and as a geomean,
# the ratio of each build to stock, for two measures: sec/op (wall time) and
# cpu-ns/op (the CPU time of the benchmark's thread, which time spent
# waiting for a core on a shared machine does not inflate).
#
# usage: scripts/bench-mapguard.sh [rounds] [benchtime] [out dir]
#   defaults: 10 rounds, 200ms, a temporary directory (printed); 0 rounds
#   runs only what the variables below ask for
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
# RUNTIME=1 also runs the Go distribution's own map benchmarks, stock
# against mapguard (see the end of this script). STRICT=1 adds a fourth
# build, mapguard -strict, to the rounds and to the instruction counts.
# MAPGUARD names a mapguard binary to build with instead of this tree's
# ./cmd/mapguard, e.g. one built at an older commit, to measure another
# patch version side by side on the same machine.
# PAIRS=N also times each benchmark in N back-to-back pairs, stock then
# mapguard (mapguard first in every other pair), and reports per benchmark
# the median of the N per-pair ratios, and their geomean: two runs a second
# apart see the same machine, so a pair's ratio cancels the slow swings in
# speed that a shared machine goes through over the minutes a round takes.
# PAIRS_METRIC chooses the figure the pairs compare: ns/op (the default,
# wall time) or cpu-ns/op (the benchmark thread's CPU time, which waiting
# for a core on a loaded machine does not inflate).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-10}
benchtime=${2:-200ms}
out=${3:-$(mktemp -d)}
mkdir -p "$out"
bench=${BENCH:-.}

echo "bench-mapguard: $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "bench-mapguard: building into $out" >&2
if [ -n "${MAPGUARD:-}" ]; then
	cp "$MAPGUARD" "$out/mapguard"
else
	go build -o "$out/mapguard" ./cmd/mapguard
fi
echo "bench-mapguard: $("$out/mapguard" -v overlay 2>&1 >/dev/null)" >&2
go test -c -o "$out/stock.test" ./guard/bench
"$out/mapguard" test -c -o "$out/mapguard.test" ./guard/bench
go test -race -c -o "$out/race.test" ./guard/bench
builds="stock mapguard race"
if [ "${STRICT:-0}" = 1 ]; then
	"$out/mapguard" -strict test -c -o "$out/strict.test" ./guard/bench
	builds="stock mapguard strict race"
fi
reversed=$(echo "$builds" | tr ' ' '\n' | tac | tr '\n' ' ')

for b in $builds; do : >"$out/$b.txt"; done
for r in $(seq 1 "$rounds"); do
	echo "bench-mapguard: round $r/$rounds" >&2
	order=$builds
	[ $((r % 2)) = 0 ] && order=$reversed
	for b in $order; do
		"$out/$b.test" -test.run='^$' -test.bench="$bench" -test.benchtime="$benchtime" >>"$out/$b.txt"
	done
done

# benchstat compares each file with the first (stock).
benchstat=(go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da)
args=()
for b in $builds; do args+=("$b=$out/$b.txt"); done
if [ "$rounds" -gt 0 ]; then
	"${benchstat[@]}" "${args[@]}" | tee "$out/benchstat.txt"
	echo "bench-mapguard: raw results and benchstat output in $out" >&2
fi

if [ "${PAIRS:-0}" -gt 0 ]; then
	names=$("$out/stock.test" -test.list="$bench" | grep '^Benchmark')
	metric=${PAIRS_METRIC:-ns/op}
	nsop() { # binary benchmark -> the metric of one run
		"$1" -test.run='^$' -test.bench="^$2\$" -test.benchtime="$benchtime" |
			awk -v u="$metric" '$1 ~ /^Benchmark/ { for (i = 3; i < NF; i++) if ($(i + 1) == u) { print $i; exit } }'
	}
	echo "bench-mapguard: pairs compare $metric" >&2
	: >"$out/pairs.txt"
	for n in $names; do
		for i in $(seq 1 "$PAIRS"); do
			if [ $((i % 2)) = 1 ]; then
				s=$(nsop "$out/stock.test" "$n")
				g=$(nsop "$out/mapguard.test" "$n")
			else
				g=$(nsop "$out/mapguard.test" "$n")
				s=$(nsop "$out/stock.test" "$n")
			fi
			echo "$n $s $g" >>"$out/pairs.txt"
		done
	done
	# per benchmark: median stock, median mapguard, median of the ratios,
	# and how many pairs had mapguard slower
	sort -k1,1 "$out/pairs.txt" | awk -v u="$metric" '
		function med(a, k,   i, j, t) {
			for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		function flush() {
			if (name == "") return
			m = med(r, k); printf "%-22s %12.2f %12.2f %8.3f %6s\n", name, med(s, k), med(g, k), m, slower "/" k
			l += log(m); nb++
		}
		BEGIN { printf "%-22s %12s %12s %8s %6s\n", "benchmark", "stock-" u, "mapguard-" u, "ratio", "slower" }
		$1 != name { flush(); name = $1; k = 0; slower = 0 }
		{ k++; s[k] = $2; g[k] = $3; r[k] = $3 / $2; if ($3 > $2) slower++ }
		END { flush(); printf "geomean of the median pair ratios %.3f\n", exp(l / nb) }' | tee "$out/pairs-summary.txt"
fi

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
	instr() { # build -> a table of that build against stock, then the geomean
		{
			printf '%-22s %14s %14s %8s\n' benchmark stock-instr/op "$1-instr/op" ratio
			for n in $names; do
				case $n in BenchmarkFillInt | BenchmarkRangeInt) k=1000 ;; *) k=100000 ;; esac
				s=$(perop "$out/stock.test" "$n" $k)
				g=$(perop "$out/$1.test" "$n" $k)
				awk -v n="$n" -v s="$s" -v g="$g" 'BEGIN { printf "%-22s %14.1f %14.1f %8.3f\n", n, s, g, g / s }'
			done
		} | awk '{ print; fflush() } NR > 1 { l += log($4); k++ } END { printf "geomean ratio %.3f\n", exp(l / k) }'
	}
	instr mapguard | tee "$out/instructions.txt"
	if [ "${STRICT:-0}" = 1 ]; then
		instr strict | tee "$out/instructions-strict.txt"
	fi
fi

# RUNTIME=1: also run the Go distribution's own map benchmarks
# (runtime/map_benchmark_test.go, BenchmarkMap*: about 500 sub-benchmarks),
# which we did not write, stock against mapguard, RUNTIME_ROUNDS (default 6)
# interleaved rounds at RUNTIME_BENCHTIME (default 10ms).
if [ "${RUNTIME:-0}" = 1 ]; then
	go test -c -o "$out/runtime-stock.test" runtime
	"$out/mapguard" test -c -o "$out/runtime-mapguard.test" runtime
	: >"$out/runtime-stock.txt"
	: >"$out/runtime-mapguard.txt"
	for r in $(seq 1 "${RUNTIME_ROUNDS:-6}"); do
		echo "bench-mapguard: runtime benchmarks, round $r/${RUNTIME_ROUNDS:-6}" >&2
		order="stock mapguard"
		[ $((r % 2)) = 0 ] && order="mapguard stock"
		for b in $order; do
			"$out/runtime-$b.test" -test.run='^$' -test.bench='^BenchmarkMap' -test.benchtime="${RUNTIME_BENCHTIME:-10ms}" >>"$out/runtime-$b.txt"
		done
	done
	"${benchstat[@]}" stock="$out/runtime-stock.txt" mapguard="$out/runtime-mapguard.txt" >"$out/runtime-benchstat.txt"
	# benchstat splits these benchmarks into several tables, each with its
	# own geomean; one figure over all of them is computed here, overall and
	# for the writes and the reads (whose code mapguard does not change, so
	# their ratio shows how far this suite's noise reaches), two ways: from
	# each benchmark's ratio of medians, and from the median of its
	# per-round ratios (the two builds run back to back in each round, so a
	# round's ratio cancels drift in the machine's speed that spans rounds).
	median() { # "name value" lines -> "name median", sorted by name
		sort -k1,1 -k2,2g | awk '{ n[$1]++; v[$1, n[$1]] = $2 }
			END { for (k in n) { c = n[k]; print k, (c % 2) ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2 } }' | sort -k1,1
	}
	summary() { # "name ratio" lines -> one line of geomeans, labelled $1
		awk -v label="$1" '{ r = log($2); all += r; na++
			if ($1 ~ /Assign|Delete|Pop|Populate|Clear/) { w += r; nw++ }
			else if ($1 ~ /Access|Iter|First|Mid|Last|StringKeys/) { rd += r; nr++ } }
		END { printf "runtime map benchmarks, %s: %d, geomean mapguard/stock %.3f; writes (%d) %.3f; reads and iteration (%d) %.3f\n", label, na, exp(all / na), nw, exp(w / nw), nr, exp(rd / nr) }'
	}
	runs() { # runtime-$1.txt -> "name#round ns/op", sorted
		awk '$1 ~ /^Benchmark/ && $4 == "ns/op" { c[$1]++; print $1 "#" c[$1], $3 }' "$out/runtime-$1.txt" | sort -k1,1
	}
	join <(runs stock | sed 's/#[0-9]* / /' | median) <(runs mapguard | sed 's/#[0-9]* / /' | median) |
		awk '{ print $1, $3 / $2 }' | summary "ratio of medians" | tee "$out/runtime-summary.txt"
	join <(runs stock) <(runs mapguard) | awk '{ split($1, a, "#"); print a[1], $3 / $2 }' | median |
		summary "median of per-round ratios" | tee -a "$out/runtime-summary.txt"
	echo "bench-mapguard: the runtime benchmarks' benchstat output is in $out/runtime-benchstat.txt" >&2
fi
