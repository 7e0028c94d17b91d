// Package testenv decides what a test does when something it needs from the
// machine (gccgo, Chromium, a second Go toolchain) is missing.
//
// Outside CI a missing tool skips the test with the reason. Under CI=true it
// fails the test: CI must prove every behaviour, so a missing tool is a broken
// set-up, not a reason to pass. scripts/test.sh installs the tools before the
// tests run.
package testenv

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true).
func InCI() bool { return os.Getenv("CI") == "true" }

// Missing skips the test outside CI and fails it under CI.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true and a requirement is missing: "+format, args...)
	}
	t.Skipf("skipping: "+format, args...)
}

// Gccgo returns the path of gccgo, or stops the test if it is missing.
func Gccgo(t testing.TB) string {
	t.Helper()
	return tool(t, "gccgo", "gccgo")
}

// Chromium returns the path of a Chromium binary, or stops the test.
func Chromium(t testing.TB) string {
	t.Helper()
	return tool(t, "chromium", "chromium", "chromium-browser", "google-chrome")
}

// QemuAarch64 returns the path of qemu-aarch64 (user-mode emulation, which
// runs a linux/arm64 Go binary here), or stops the test.
func QemuAarch64(t testing.TB) string {
	t.Helper()
	return tool(t, "qemu-user", "qemu-aarch64")
}

// tool returns the path of the first of names found in PATH, or stops the
// test, naming the Debian package that scripts/test.sh installs for it.
func tool(t testing.TB, pkg string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Missing(t, "%s not found in PATH (scripts/test.sh installs it with apt-get install %s)", names[0], pkg)
	return ""
}

var goVersionCache sync.Map // toolchain -> string

// GoToolchain checks that the go command can run with GOTOOLCHAIN=name
// (for example "go1.27.3", fetched from the module proxy) and returns the
// environment entry to use, or stops the test.
func GoToolchain(t testing.TB, name string) string {
	t.Helper()
	if v, ok := goVersionCache.Load(name); ok {
		if v.(string) == "" {
			Missing(t, "GOTOOLCHAIN=%s is not available", name)
		}
		return "GOTOOLCHAIN=" + name
	}
	cmd := exec.Command("go", "env", "GOVERSION")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+name)
	out, err := cmd.CombinedOutput()
	got := strings.TrimSpace(string(out))
	if err != nil || got != name {
		goVersionCache.Store(name, "")
		Missing(t, "GOTOOLCHAIN=%s is not available: %v %s", name, err, got)
	}
	goVersionCache.Store(name, got)
	return "GOTOOLCHAIN=" + name
}
