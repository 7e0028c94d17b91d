#!/usr/bin/env bash
# bench-cmap.sh: the concurrent-map benchmark and the long proof runs.
#
#   scripts/bench-cmap.sh bench [maplab bench flags]
#       Runs maplab bench (default: 5 rounds of fresh child processes,
#       150ms per workload, every map, int and string keys at 1e3, 1e4 and
#       1e6: about 25 minutes on 2 cores) at nice 0, and writes
#         docs/cmap-bench.txt        the raw lines (Go benchmark format)
#         docs/img/cmap-ratios.svg   ns/op over xsync's at 1e6 keys
#         docs/cmap-bench.md         everything below its "generated" marker:
#                                    machine, load, commands, tables,
#                                    and benchstat's reading of the raw lines
#   scripts/bench-cmap.sh report
#       Rewrites the same files from docs/cmap-bench.txt without measuring
#       (after a change to the tables or the plot).
#   scripts/bench-cmap.sh proofs [HISTORIES]
#       The linearizability tests with HISTORIES histories per map and model
#       (default 1000) under -race at GOMAXPROCS 1, 2 and 8, then 2 minutes
#       of fuzzing each map against a plain map.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-bench}
shift || true

# benchstat, pinned; fetched through the module proxy on first use.
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

case $mode in
proofs)
	histories=${1:-1000}
	for p in 1 2 8; do
		echo "== GOMAXPROCS=$p go test -race ./cmap -cmap.histories=$histories"
		GOMAXPROCS=$p go test -race -count=1 -timeout 60m ./cmap -cmap.histories="$histories"
	done
	echo "== go test ./cmap -fuzz FuzzSequential -fuzztime 2m"
	go test -run '^$' -fuzz FuzzSequential -fuzztime 2m ./cmap
	exit 0
	;;
bench | report) ;;
*)
	echo "usage: scripts/bench-cmap.sh bench [maplab bench flags] | report | proofs [HISTORIES]" >&2
	exit 2
	;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/maplab" ./cmd/maplab
mkdir -p docs/img
raw=docs/cmap-bench.txt

if [ "$mode" = bench ]; then
	# The run's circumstances go into the raw file as configuration lines
	# (benchstat carries them along), for report to print.
	{
		echo "start: $(date -u +%Y-%m-%dT%H:%MZ)"
		echo "command: nice -n 0 maplab bench $*"
		echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), GOMAXPROCS $(nproc)"
		echo "load-before: $(cut -d' ' -f1-3 /proc/loadavg)"
	} >"$raw"
	nice -n 0 "$tmp/maplab" bench "$@" >>"$raw"
	echo "load-after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw"
fi
conf() { sed -n "s/^$1: //p" "$raw" | head -1; }

"$tmp/maplab" bench -from "$raw" -json -md "$tmp/tables.md" -svg docs/img/cmap-ratios.svg >/dev/null

# benchstat reads the raw lines: its time table for 1e6 int keys, 2
# goroutines, xsync first (the base of its ratios); the other units'
# tables (allocs/op, B/entry) are left out here.
bs_filter='/key:int /keys:1e6 /g:2 /work:(reads100 OR reads99 OR reads90 OR reads50) /map:(xsync OR Snapshot OR Sharded OR sync.Map)'
bs_col='/map@(xsync Snapshot Sharded sync.Map)'
{ go run "$BENCHSTAT" -filter "$bs_filter" -col "$bs_col" "$raw" 2>&1 || echo "benchstat failed"; } |
	awk 'NR > 1 && /^$/ { exit } { print }' >"$tmp/benchstat.txt"

marker='<!-- Everything below is written by scripts/bench-cmap.sh bench. -->'
if ! grep -qF "$marker" docs/cmap-bench.md 2>/dev/null; then
	echo "docs/cmap-bench.md has no line '$marker'" >&2
	exit 1
fi
{
	awk -v m="$marker" '{ print } $0 == m { exit }' docs/cmap-bench.md
	echo
	echo "## Results"
	echo
	echo "Run $(conf start): \`$(conf command)\` (\`scripts/bench-cmap.sh bench\` runs it),"
	echo "on $(conf machine), $(conf go)."
	echo "Load average (1, 5, 15 min) before: $(conf load-before); after: $(conf load-after). The machine is"
	echo "shared with other jobs; every map ran in the same rounds, so the load hits all of them alike."
	echo "Raw lines: [cmap-bench.txt](cmap-bench.txt); plot: [img/cmap-ratios.svg](img/cmap-ratios.svg)."
	echo
	echo "![ns/op over xsync's at 1e6 keys](img/cmap-ratios.svg)"
	echo
	cat "$tmp/tables.md"
	echo
	echo "#### benchstat's reading of the raw lines (1e6 int keys, 2 goroutines, time only)"
	echo
	echo "\`go run $BENCHSTAT -filter '$bs_filter' -col '$bs_col' docs/cmap-bench.txt\`"
	echo
	echo '```'
	cat "$tmp/benchstat.txt"
	echo '```'
} >"$tmp/doc.md"
mv "$tmp/doc.md" docs/cmap-bench.md
echo "wrote docs/cmap-bench.md, docs/img/cmap-ratios.svg (from $raw)"
