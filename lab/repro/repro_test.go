package repro

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mapsafe/mapsafe/lab/child"
)

func TestMain(m *testing.M) {
	child.Main() // this test binary is also the reproducers' child process
	os.Exit(m.Run())
}

// Every reproducer dies of its own fatal error, with status 2, well within
// a second of child time; every fix completes.
func TestReproducersCrashAndFixesComplete(t *testing.T) {
	for _, r := range All {
		t.Run(r.Name, func(t *testing.T) {
			t.Parallel()
			res, err := Run(context.Background(), r, Options{}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Crashed(r.Fatal) {
				t.Fatalf("status %d, fatal %q, want status 2 and %q\nstderr:\n%s", res.ExitCode, res.Fatal(), r.Fatal, head(res.Stderr))
			}
			if res.Elapsed > time.Second {
				t.Logf("crash took %v (over 1s; the machine may be loaded)", res.Elapsed)
			}

			res, err = Run(context.Background(), r, Options{Fixed: true}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.ExitCode != 0 || !bytes.Contains(res.Stdout, []byte("no crash")) {
				t.Fatalf("fixed: status %d, want 0 and a completion line\nstdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, head(res.Stderr))
			}
		})
	}
}

// The int-key variant crashes too: long keys widen the window, they are not
// what makes the race detectable.
func TestIntKeysCrash(t *testing.T) {
	r, _ := Lookup("iteration")
	res, err := Run(context.Background(), r, Options{Keys: "int"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Crashed(r.Fatal) {
		t.Fatalf("status %d, fatal %q\n%s", res.ExitCode, res.Fatal(), head(res.Stderr))
	}
}

// With GOMAXPROCS=1 the scheduler never switches goroutines inside the
// runtime's map code, so the race is never seen: the child gives up with
// status 1. This is the reason the reproducers raise GOMAXPROCS to 2.
func TestOneProcNeverCrashes(t *testing.T) {
	r, _ := Lookup("writes")
	res, err := Run(context.Background(), r, Options{Procs: 1, Timeout: 300 * time.Millisecond}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 1 || !strings.Contains(string(res.Stderr), "no crash within 300ms") {
		t.Fatalf("status %d, want 1 and a give-up message\n%s", res.ExitCode, head(res.Stderr))
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{Keys: "float"}, {Procs: -1}, {KeySize: -5}, {KeySize: 7}, {KeySize: 2 << 20}, {Timeout: -time.Second}} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if err := (Options{}).Validate(); err != nil {
		t.Errorf("zero options: %v", err)
	}
}

func TestLongKeys(t *testing.T) {
	keys := LongKeys(3, 100)
	for _, k := range keys {
		if len(k) != 100 || k[:92] != keys[0][:92] {
			t.Fatalf("key %q: want 100 bytes sharing a 92-byte prefix", k)
		}
	}
	if keys[0] == keys[1] {
		t.Fatal("keys are not distinct")
	}
}

func head(b []byte) string {
	s := string(b)
	if len(s) > 2000 {
		s = s[:2000] + "..."
	}
	return s
}

// The iteration and clone fixes read while the locked writer is running:
// the reads start only after its first write, so they overlap it even when
// the scheduler would have let all of them finish first.
func TestLockedFixOverlapsWriter(t *testing.T) {
	for i := 0; i < 20; i++ {
		w := NewWorkload([]int{1, 2, 3, 4, 5, 6, 7, 8})
		reads := 0
		writes := readsBesideLockedWriter(w, func() { reads++ })
		if writes < 1 || reads != fixedIter {
			t.Fatalf("run %d: %d writes, %d reads; want at least 1 write and %d reads", i, writes, reads, fixedIter)
		}
	}
}
