#!/usr/bin/env bash
# bench-mapvet.sh: how long mapvet takes next to go vet on the same packages.
#
# For each package set it times, interleaved and RUNS times each (median
# reported, seconds of wall time):
#   vet        go vet PKGS                       (go vet's default suite)
#   vettool    go vet -vettool=mapvet PKGS       (mapvet through go vet)
#   mapvet     mapvet PKGS                       (the standalone driver)
# Each run starts from an empty GOCACHE, so go vet pays for compiling the
# export data it needs and caches nothing from run to run; mapvet standalone
# caches nothing by design. A second table times the same commands with a
# warm cache (the second of two runs): what a developer sees when re-running.
# A third starts each run from a copy of a cache that holds the compiled
# export data of the packages, their tests and dependencies (go list -export -deps -test)
# and no vet results, so go vet reruns every analysis, on the packages and
# on all their dependencies (for facts), without compiling: the analysis
# work alone, go vet's default suite against mapvet's.
#
# Usage: scripts/bench-mapvet.sh [RUNS]   (default 5); writes docs/mapvet-bench.md
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
OUT=docs/mapvet-bench.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/mapvet" ./cmd/mapvet

# name|dir|packages
sets=(
	"examples|.|./examples/..."
	"mapsafe mapvet|.|./mapvet/..."
	"encoding/json|.|encoding/json"
	"net/http|.|net/http"
)

now() { date +%s.%N; }

# time_cmd CACHE DIR CMD... : prints elapsed seconds; exit status ignored
# (mapvet exits 3 when it has findings).
time_cmd() {
	local cache=$1 dir=$2
	shift 2
	local t0 t1
	t0=$(now)
	(cd "$dir" && GOCACHE=$cache GOFLAGS= "$@" >/dev/null 2>&1) || true
	t1=$(now)
	echo "$t1 - $t0" | bc
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

{
	echo "# mapvet running time next to go vet"
	echo
	echo "Measured by \`scripts/bench-mapvet.sh $RUNS\` on $(date -u +%Y-%m-%d), $(go version | cut -d' ' -f3),"
	echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')). Medians of $RUNS runs, wall seconds, the three"
	echo "commands interleaved in each round so that machine noise hits them alike."
	echo
	echo "## Cold: an empty GOCACHE for every run"
	echo
	echo "| packages | go vet | go vet -vettool=mapvet | mapvet | vettool / vet | mapvet / vet |"
	echo "|---|---|---|---|---|---|"
} > "$tmp/table.md"

warm_rows=()
rerun_rows=()
for s in "${sets[@]}"; do
	IFS='|' read -r name dir pkgs <<<"$s"
	: > "$tmp/vet"; : > "$tmp/tool"; : > "$tmp/std"
	for i in $(seq "$RUNS"); do
		c=$(mktemp -d -p "$tmp"); time_cmd "$c" "$dir" go vet $pkgs >> "$tmp/vet"; rm -rf "$c"
		c=$(mktemp -d -p "$tmp"); time_cmd "$c" "$dir" go vet -vettool="$tmp/mapvet" $pkgs >> "$tmp/tool"; rm -rf "$c"
		c=$(mktemp -d -p "$tmp"); time_cmd "$c" "$dir" "$tmp/mapvet" $pkgs >> "$tmp/std"; rm -rf "$c"
	done
	v=$(median < "$tmp/vet"); t=$(median < "$tmp/tool"); m=$(median < "$tmp/std")
	printf '| %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n' "$name" "$v" "$t" "$m" "$(echo "$t / $v" | bc -l)" "$(echo "$m / $v" | bc -l)" >> "$tmp/table.md"

	# Warm: one shared cache, primed once, then timed.
	c=$(mktemp -d -p "$tmp")
	time_cmd "$c" "$dir" go vet $pkgs >/dev/null
	time_cmd "$c" "$dir" go vet -vettool="$tmp/mapvet" $pkgs >/dev/null
	: > "$tmp/vet"; : > "$tmp/tool"; : > "$tmp/std"; : > "$tmp/vetc"; : > "$tmp/toolc"
	for i in $(seq "$RUNS"); do
		time_cmd "$c" "$dir" go vet $pkgs >> "$tmp/vet"
		time_cmd "$c" "$dir" go vet -vettool="$tmp/mapvet" $pkgs >> "$tmp/tool"
		time_cmd "$c" "$dir" "$tmp/mapvet" $pkgs >> "$tmp/std"
	done
	rm -rf "$c"
	primed=$(mktemp -d -p "$tmp")
	(cd "$dir" && GOCACHE=$primed GOFLAGS= go list -export -deps -test $pkgs >/dev/null)
	for i in $(seq "$RUNS"); do
		c=$(mktemp -d -p "$tmp"); cp -a "$primed/." "$c"
		time_cmd "$c" "$dir" go vet $pkgs >> "$tmp/vetc"; rm -rf "$c"
		c=$(mktemp -d -p "$tmp"); cp -a "$primed/." "$c"
		time_cmd "$c" "$dir" go vet -vettool="$tmp/mapvet" $pkgs >> "$tmp/toolc"; rm -rf "$c"
	done
	rm -rf "$primed"
	v=$(median < "$tmp/vet"); t=$(median < "$tmp/tool"); m=$(median < "$tmp/std")
	warm_rows+=("$(printf '| %s | %.2f | %.2f | %.2f |' "$name" "$v" "$t" "$m")")
	v=$(median < "$tmp/vetc"); t=$(median < "$tmp/toolc")
	rerun_rows+=("$(printf '| %s | %.2f | %.2f | %.2f |' "$name" "$v" "$t" "$(echo "$t / $v" | bc -l)")")
done

{
	echo
	echo "## Warm: the cache of a previous run of the same command"
	echo
	echo "go vet replays cached results for unchanged packages, with or without -vettool;"
	echo "standalone mapvet recomputes everything on every run."
	echo
	echo "| packages | go vet | go vet -vettool=mapvet | mapvet |"
	echo "|---|---|---|---|"
	printf '%s\n' "${warm_rows[@]}"
	echo
	echo "## Analysis only: compiled export data cached, no vet results"
	echo
	echo "Each run starts from a copy of a cache primed with \`go list -export -deps -test\`, so go vet"
	echo "compiles nothing and reruns its analyzers (or mapvet) on the packages and every dependency."
	echo
	echo "| packages | go vet | go vet -vettool=mapvet | vettool / vet |"
	echo "|---|---|---|---|"
	printf '%s\n' "${rerun_rows[@]}"
} >> "$tmp/table.md"

cp "$tmp/table.md" "$OUT"
cat "$OUT"
