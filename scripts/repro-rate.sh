#!/usr/bin/env bash
# Measures how reliably each maplab reproducer crashes: RUNS runs (default
# 100) of `maplab repro NAME` each, counting a run as a crash when it exits
# with status 2 and the reproducer's own "fatal error: ..." line, and timing
# each run from process start to exit (maplab and its child together).
#
#   scripts/repro-rate.sh                 # all five reproducers, default options
#   scripts/repro-rate.sh defer writes    # some of them
#   RUNS=20 FLAGS="-procs 1 -timeout 2s" scripts/repro-rate.sh writes
#
# Prints one markdown table row per reproducer: crashes/runs, crashes in under
# 1 s, median / 90th percentile / maximum time, and the options used.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-100}
flags=${FLAGS:-}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(writes read-write iteration clone defer)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/maplab" ./cmd/maplab

declare -A fatal=(
	[writes]="concurrent map writes"
	[read-write]="concurrent map read and map write"
	[iteration]="concurrent map iteration and map write"
	[clone]="concurrent map clone and map write"
	[defer]="concurrent map iteration and map write"
)

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3-)"
echo
echo "| reproducer | flags | crashes/runs | crashed in < 1 s | median | p90 | max |"
echo "|---|---|---|---|---|---|---|"
for name in "${names[@]}"; do
	want=${fatal[$name]:-}
	if [ -z "$want" ]; then
		echo "repro-rate.sh: unknown reproducer $name" >&2
		exit 2
	fi
	: >"$tmp/times"
	crashes=0 fast=0
	for ((i = 0; i < runs; i++)); do
		start=$(date +%s%N)
		set +e
		# shellcheck disable=SC2086
		"$tmp/maplab" repro "$name" $flags >/dev/null 2>"$tmp/stderr"
		rc=$?
		set -e
		ms=$((($(date +%s%N) - start) / 1000000))
		echo "$ms" >>"$tmp/times"
		if [ "$rc" = 2 ] && grep -qx "fatal error: $want" "$tmp/stderr"; then
			crashes=$((crashes + 1))
			[ "$ms" -lt 1000 ] && fast=$((fast + 1))
		fi
	done
	sort -n "$tmp/times" >"$tmp/sorted"
	median=$(awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}' "$tmp/sorted")
	p90=$(awk '{a[NR]=$1} END {i=int(NR*0.9+0.999); if (i<1) i=1; print a[i]}' "$tmp/sorted")
	max=$(tail -1 "$tmp/sorted")
	echo "| $name | ${flags:-(default)} | $crashes/$runs | $fast/$runs | ${median} ms | ${p90} ms | ${max} ms |"
done
