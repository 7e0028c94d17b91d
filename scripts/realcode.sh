#!/usr/bin/env bash
# realcode.sh: mapvet on real modules at pinned versions (issue 12's set:
# grpc, client-go, x/net, client_golang, gin, consul/api, etcd client,
# raft, badger, the standard library), compared with the reviewed findings
# in scripts/realcode/expect.txt. See docs/mapvet-realcode.md.
#
#   scripts/realcode.sh                      # the whole set, with go vet timings
#   scripts/realcode.sh -only grpc -vet=false
#   scripts/realcode.sh -only etcd-leasing   # issue 12's timing case (not in the default set)
#   scripts/realcode.sh -reuse               # compare the last saved results again
#
# Flags: -only, -vet, -timeout (20m), -mem (GB, 10), -work, -o FILE, -mapvet BIN.
# Exit status 1 when a finding has no verdict in the expectations file.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./scripts/realcode code "$@"
