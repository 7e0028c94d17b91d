package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/internal/cli"
)

// runMaplab runs maplab in this process; its lab children are this test
// binary, which runs them from repro.go's init.
func runMaplab(args ...string) (stdout, stderr string, code int) {
	var out, errb strings.Builder
	err := run(cli.Env{Args: args, Stdout: &out, Stderr: &errb})
	code = cli.Code("maplab", err, &errb)
	return out.String(), errb.String(), code
}

func TestReproPassesFatalStatusThrough(t *testing.T) {
	_, stderr, code := runMaplab("repro", "read-write")
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, stderr)
	}
	for _, want := range []string{
		"fatal error: concurrent map read and map write\n", // the child's own stderr
		"maplab repro read-write: child exited with status 2 after",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
}

func TestReproFixedCompletes(t *testing.T) {
	stdout, stderr, code := runMaplab("repro", "clone", "-fixed")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "no crash") || !strings.Contains(stdout, "repro clone (fixed)") {
		t.Errorf("stdout lacks the fixed program's report:\n%s", stdout)
	}
}

func TestReproFlagsBeforeName(t *testing.T) {
	_, stderr, code := runMaplab("repro", "-procs", "1", "-timeout", "200ms", "writes")
	if code != 1 || !strings.Contains(stderr, "no crash within 200ms") {
		t.Fatalf("exit %d, want 1 and the child's give-up message\n%s", code, stderr)
	}
}

func TestReproBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"repro"}, "missing reproducer name"},
		{[]string{"repro", "mutex"}, `unknown reproducer "mutex"`},
		{[]string{"repro", "writes", "-keys", "float"}, `keys "float"`},
		{[]string{"repro", "writes", "extra"}, `unexpected argument "extra"`},
		{[]string{"repro", "writes", "-nosuchflag"}, "flag provided but not defined"},
		{[]string{"repro", "writes", "-size", "3"}, "key size 3: want 8 to 1048576 bytes"},
		{[]string{"repro", "writes", "-size", "0"}, "key size 0: want 8 to 1048576 bytes"},
		{[]string{"repro", "-timeout", "0", "writes"}, "timeout 0s: want a positive duration"},
		{[]string{"repro", "writes", "-timeout", "-1s"}, "timeout -1s: want a positive duration"},
	} {
		_, stderr, code := runMaplab(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestReproHelp(t *testing.T) {
	err := run(cli.Env{Args: []string{"repro", "-h"}, Stdout: &strings.Builder{}, Stderr: &strings.Builder{}})
	if cli.Code("maplab", err, &strings.Builder{}) != 0 {
		t.Fatalf("-h: %v", err)
	}
	var ee *cli.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("-h returned an exit error %v", err)
	}
}
