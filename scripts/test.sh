#!/usr/bin/env bash
# The whole mapsafe test suite. It first installs what the tests need when it
# is missing: gccgo (the classic map runs there), Chromium (the visualizer's
# browser test), qemu-user (mapguard's arm64 build runs under qemu-aarch64)
# and the Go 1.27 toolchain (mapguard is tested on it). Go
# modules come through the module proxy as usual.
#
# Under CI=true a test whose requirement is still missing fails instead of
# skipping (see internal/testenv).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v gccgo >/dev/null 2>&1 || missing+=(gccgo)
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
if [ ${#missing[@]} -gt 0 ]; then
	echo "test.sh: installing ${missing[*]}" >&2
	sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	if command -v apt-get >/dev/null 2>&1; then
		$sudo apt-get update -qq || true
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null ||
			echo "test.sh: apt-get install ${missing[*]} failed; tests that need them will skip (or fail under CI=true)" >&2
	else
		echo "test.sh: no apt-get; install ${missing[*]} yourself; tests that need them will skip (or fail under CI=true)" >&2
	fi
fi

# Fetch the second toolchain once, up front, so a test does not pay for it.
GOTOOLCHAIN=go1.27.3 go env GOVERSION >/dev/null 2>&1 ||
	echo "test.sh: GOTOOLCHAIN=go1.27.3 is not available; mapguard's Go 1.27 tests will skip (or fail under CI=true)" >&2

go test -count=1 -timeout 20m "$@" ./...

# The golangci-lint plugin test builds golangci-lint with the mapvet plugin
# from the module proxy (about 6 minutes from a cold build cache, under 2
# warm), so it runs on its own, after the suite, instead of beside the
# other packages' tests. go test ./... alone skips it.
MAPSAFE_GOLANGCI=1 go test -count=1 -timeout 30m -run '^TestCustomGolangciLint$' ./mapvet/golangci
