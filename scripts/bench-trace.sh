#!/usr/bin/env bash
# Cost of mapinspect -trace: fill keys 0..n-1 with and without tracing, for
# n from 10^4 to 10^7, with gc and (if installed) gccgo. Prints, per n, the
# median wall and CPU (user+sys) seconds of `runs` runs, the traced CPU
# time per insert and the largest resident set. docs/inspector.md records
# a run. Needs GNU time (/usr/bin/time).
#
#	scripts/bench-trace.sh [runs]            # runs per figure (default 3)
#	BASE=776e117 scripts/bench-trace.sh      # also the mapinspect of revision BASE
#	                                         # (up to 10^6 keys: the old tracer is quadratic)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/base" 2>/dev/null || true; rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { echo "bench-trace.sh needs GNU time (apt-get install time)" >&2; exit 1; }

# median: the median of the numbers on stdin.
median() { sort -g | awk '{ a[NR]=$1 } END { print a[int((NR+1)/2)] }'; }

# measure BIN N FLAGS...: median wall s, median cpu s, max RSS KiB of runs.
measure() {
	local bin=$1 n=$2
	shift 2
	: >"$tmp/runs"
	for _ in $(seq "$runs"); do
		/usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$bin" -n "$n" "$@" >/dev/null
		cat "$tmp/t" >>"$tmp/runs"
	done
	echo "$(awk '{print $1}' "$tmp/runs" | median) $(awk '{print $2+$3}' "$tmp/runs" | median) $(awk '{print $4}' "$tmp/runs" | sort -g | tail -1)"
}

# table NAME BIN MAXN: one row per n up to MAXN.
table() {
	local name=$1 bin=$2 maxn=$3
	echo "## $name"
	printf '%-10s %9s %9s %9s %9s %12s %10s\n' n "plain s" "plain cpu" "trace s" "trace cpu" "ns/insert*" "max RSS"
	for n in 10000 100000 1000000 3000000 10000000; do
		[ "$n" -le "$maxn" ] || continue
		read -r pw pc pm < <(measure "$bin" "$n")
		read -r tw tc tm < <(measure "$bin" "$n" -trace)
		awk -v n="$n" -v pw="$pw" -v pc="$pc" -v tw="$tw" -v tc="$tc" -v m="$tm" \
			'BEGIN { printf "%-10d %9.2f %9.2f %9.2f %9.2f %12.0f %8.0f MB\n", n, pw, pc, tw, tc, (tc-pc)/n*1e9, m/1024 }'
	done
	echo "(* traced CPU time minus plain CPU time, per insert)"
}

echo "# $(go version); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ); $runs runs per figure, medians"
go build -o "$tmp/mapinspect" ./cmd/mapinspect
table "gc: go build ./cmd/mapinspect" "$tmp/mapinspect" 10000000
if [ -n "${BASE:-}" ]; then
	git worktree add --detach -q "$tmp/base" "$BASE"
	(cd "$tmp/base" && go build -o "$tmp/mapinspect-base" ./cmd/mapinspect)
	table "gc: mapinspect at $BASE" "$tmp/mapinspect-base" 1000000
fi
if command -v gccgo >/dev/null 2>&1; then
	go build -compiler=gccgo -o "$tmp/mapinspect-gccgo" ./cmd/mapinspect
	table "gccgo: go build -compiler=gccgo ./cmd/mapinspect" "$tmp/mapinspect-gccgo" 3000000
else
	echo "## gccgo not installed: skipped"
fi
