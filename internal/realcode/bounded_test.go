package realcode

import (
	"testing"
	"time"
)

func TestBounded(t *testing.T) {
	lim := Limits{Timeout: time.Minute, MemKB: 4 << 20}
	m, err := Bounded(t.TempDir(), []string{"REALCODE_X=7"}, lim, "sh", "-c", `echo out $REALCODE_X; echo err >&2; exit 3`)
	if err != nil {
		t.Fatal(err)
	}
	if m.Exit != 3 || string(m.Stdout) != "out 7\n" || string(m.Stderr) != "err\n" || m.Exceeded != "" || m.MaxRSSKB <= 0 {
		t.Errorf("measure = %+v", m)
	}
	// The cap is in force in the command.
	m, err = Bounded(t.TempDir(), nil, lim, "sh", "-c", `ulimit -v`)
	if err != nil || string(m.Stdout) != "4194304\n" {
		t.Errorf("ulimit -v in the command = %q, %v", m.Stdout, err)
	}
	lim.Timeout = 200 * time.Millisecond
	start := time.Now()
	m, err = Bounded(t.TempDir(), nil, lim, "sh", "-c", `sleep 30 & wait`)
	if err != nil || m.Exceeded != "time" {
		t.Errorf("past the timeout: %+v, %v", m, err)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("the timeout did not kill the process group")
	}
}

func TestOutOfMemory(t *testing.T) {
	for _, s := range []string{
		"fatal error: runtime: out of memory\n\nruntime stack:",
		"runtime: failed to reserve 0x4000000 bytes",
		"go: fork/exec: cannot allocate memory",
	} {
		if !outOfMemory([]byte(s)) {
			t.Errorf("not recognized: %q", s)
		}
	}
	if outOfMemory([]byte("pkg/x.go:3:1: undefined: y")) {
		t.Error("a type error taken for an out-of-memory error")
	}
}
