#!/usr/bin/env bash
# realbugs.sh: mapvet on the pre-fix module versions of issue 13's eight
# real map races; for each, whether a finding lands on the racy lines in
# scripts/realcode/realbugs.txt. See docs/mapvet-realbugs.md.
#
#   scripts/realbugs.sh [-only NAME,...] [-timeout 20m] [-mem 10] [-o FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./scripts/realcode bugs "$@"
