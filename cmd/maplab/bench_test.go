package main

import (
	"strings"
	"testing"
)

// TestBench runs maplab bench through the command table, its children
// being this test binary, on one small key set.
func TestBench(t *testing.T) {
	stdout, stderr, code := runMaplab("bench", "-maps", "Snapshot,xsync", "-keys", "1e3", "-key", "int",
		"-work", "mix", "-rounds", "1", "-time", "1ms")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "BenchmarkMaps/map=Snapshot/key=int/keys=1e3/work=reads99/g=2-") ||
		!strings.Contains(stderr, "bench: round 1/1") {
		t.Errorf("no benchmark line or no progress line:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	if _, stderr, code := runMaplab("bench", "-maps", "nosuch"); code != 2 || !strings.Contains(stderr, `no map named "nosuch"`) {
		t.Errorf("bench -maps nosuch: exit %d, stderr %q; want 2 and the name", code, stderr)
	}
}
