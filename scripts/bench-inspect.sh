#!/usr/bin/env bash
# Cost of the inspector: Inspect on a map[int]int against one `for range`
# over the same map, with gc (go test -bench) and with gccgo (the probe's
# bench mode, built once with gccgo's default flags and once with -O2).
# Prints medians; docs/inspector.md records a run with this command.
#
#	scripts/bench-inspect.sh [count]   # count: benchmark repetitions (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "# $(go version); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "## gc: go test -run '^\$' -bench 'Range|Inspect' -count $count ./inspect"
go test -run '^$' -bench 'Range|Inspect' -count "$count" ./inspect >"$tmp/gc.txt"
# median ns/op per benchmark name
awk '/^Benchmark/ { name=$1; sub(/-[0-9]+$/, "", name); v[name]=v[name] " " $3 }
	END { for (n in v) print n, v[n] }' "$tmp/gc.txt" |
while read -r name vals; do
	med=$(echo "$vals" | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	echo "$name $med"
done | sort >"$tmp/gc.med"
printf '%-40s %14s\n' benchmark "median ns/op"
while read -r name med; do printf '%-40s %14s\n' "$name" "$med"; done <"$tmp/gc.med"
for n in 1000 100000 1000000; do
	r=$(awk -v n="BenchmarkRange/n=$n" '$1==n {print $2}' "$tmp/gc.med")
	g=$(awk -v n="BenchmarkInspect/n=$n/groups" '$1==n {print $2}' "$tmp/gc.med")
	c=$(awk -v n="BenchmarkInspect/n=$n/counts" '$1==n {print $2}' "$tmp/gc.med")
	awk -v n="$n" -v r="$r" -v g="$g" -v c="$c" 'BEGIN { printf "n=%-8d Inspect/range %.2f (groups), %.2f (counts)\n", n, g/r, c/r }'
done

if command -v gccgo >/dev/null 2>&1; then
	go build -compiler=gccgo -o "$tmp/probe" ./inspect/testdata/probe
	go build -compiler=gccgo -gccgoflags=-O2 -o "$tmp/probeO2" ./inspect/testdata/probe
	for variant in probe probeO2; do
		echo "## gccgo ($variant): medians of $((count * 2 + 1)) runs each, 1e6 entries, repeated 3 times"
		for i in 1 2 3; do "$tmp/$variant" bench 1000000 $((count * 2 + 1)); done
	done
else
	echo "## gccgo not installed: skipped"
fi
