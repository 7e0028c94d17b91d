#!/usr/bin/env bash
# How long the first mapguard build takes. A mapguard build compiles the
# standard library packages the program imports against the patched runtime
# (runtime changes, so everything that depends on it does too); the go build
# cache then keeps them, as it keeps the stock ones. Each round times, for
# guard/testdata/racer:
#
#   stock-cold   go build, empty go build cache
#   guard-cold   mapguard build, empty go build cache and empty mapguard cache
#   guard-first  mapguard build, go build cache warm for stock builds only
#                (what a user who has built with go meets after installing
#                mapguard), empty mapguard cache
#   guard-warm   mapguard build again
#   stock-warm   go build again
#
# and prints the median of each over the rounds, in seconds of wall time
# (every build links a new binary). For a toolchain in the module cache,
# guard-cold and guard-first include making mapguard's mirror of it.
#
# usage: scripts/mapguard-firstbuild.sh [rounds]   (default 3)
# Environment: GOTOOLCHAIN chooses the toolchain as for go; STRICT=1 times
# mapguard -strict builds instead.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/mapguard" ./cmd/mapguard
flags=()
if [ "${STRICT:-}" = 1 ]; then flags=(-strict); fi
racer=guard/testdata/racer

# timed NAME CMD...: run CMD in the racer's directory, append its wall time
# in seconds to $work/NAME.
timed() {
	local name=$1
	shift
	local start end
	rm -f "$work/prog" # else go build skips a link whose output is up to date
	start=$(date +%s.%N)
	(cd "$racer" && "$@" -o "$work/prog" . >/dev/null)
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" 'BEGIN { print e - s }' >>"$work/$name"
}

for r in $(seq "$rounds"); do
	export GOCACHE="$work/gocache-$r" MAPGUARD_CACHE="$work/mgcache-$r-cold"
	timed stock-cold go build
	timed stock-warm go build
	export GOCACHE="$work/gocache-$r-b"
	timed guard-cold "$work/mapguard" "${flags[@]}" build
	export GOCACHE="$work/gocache-$r" MAPGUARD_CACHE="$work/mgcache-$r-first"
	timed guard-first "$work/mapguard" "${flags[@]}" build
	timed guard-warm "$work/mapguard" "${flags[@]}" build
	rm -rf "$work/gocache-$r" "$work/gocache-$r-b" "$work"/mgcache-"$r"-*
	echo "round $r done" >&2
done

version=$(cd "$racer" && go env GOVERSION)
echo "$version, $(nproc) cores, $rounds rounds, mapguard ${flags[*]:-(default)}: median wall time of a build of $racer"
for name in stock-cold guard-cold guard-first guard-warm stock-warm; do
	printf '%-12s %6.1f s   (%s)\n' "$name" \
		"$(sort -n "$work/$name" | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')" \
		"$(sort -n "$work/$name" | xargs printf '%.1f ' | sed 's/ $//')"
done
