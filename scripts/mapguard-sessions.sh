#!/usr/bin/env bash
# Runs guard/testdata/sessions (an HTTP server with a map race: a session
# cache written under its mutex by the login handler and an expiry
# goroutine, ranged without it by the stats handler, under load from
# clients in the same process) built with mapguard, N times, and tallies
# what the reports say: which writer the first line names (a login, at
# Put; the expiry goroutine, at Expire) and its state, whether its chain at
# the write goes through the login handler or the expiry loop, and where
# "now" finds it. docs/mapguard.md quotes the tallies.
#
# usage: scripts/mapguard-sessions.sh [runs] [out dir]
#   defaults: 20 runs, a temporary directory (printed)
# Environment: MAPGUARD, a mapguard binary to build with (default: build
# ./cmd/mapguard); ARGS, more arguments for the server (e.g. -expire=false).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-20}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
echo "mapguard-sessions: $(go env GOVERSION), load $(cut -d' ' -f1-3 /proc/loadavg), output in $out" >&2
mapguard=${MAPGUARD:-}
if [ -z "$mapguard" ]; then
	mapguard=$out/mapguard
	go build -o "$mapguard" ./cmd/mapguard
fi
"$mapguard" build -C guard/testdata/sessions -o "$out/sessions" .

for i in $(seq 1 "$runs"); do
	# The server exits 2 on the race, 0 if it ran its course without one.
	"$out/sessions" -duration 60s ${ARGS:-} >"$out/run$i.txt" 2>&1 || true
done

for i in $(seq 1 "$runs"); do
	f=$out/run$i.txt
	first=$(grep -m1 '^mapguard: concurrent map' "$f" || echo "no report")
	case $first in
	*"was in progress") state="in progress" ;;
	*"began last before the race was noticed"*) state="began last" ;;
	*"was finished") state="finished" ;;
	*) state="none" ;;
	esac
	site=$(sed -n 's/^mapguard: goroutine [0-9]* wrote at \([^ ]*\) .*/\1/p' "$f" | head -1)
	chain=$(sed -n '/ at that write:$/,/^$/p' "$f" | grep -o -m1 -e 'main.(\*server).login' -e 'main.(\*server).expireLoop' || echo "-")
	now=$(sed -n 's/^mapguard: goroutine [0-9]* now\(.*\):$/\1/p' "$f" | head -1)
	echo "${site:-none}|$state|$chain|${now:-, (none)}"
done | sort | uniq -c | sort -rn | awk -F'|' '{ printf "%s  state: %s  chain: %s  now%s\n", $1, $2, $3, $4 }' | tee "$out/tally.txt"
