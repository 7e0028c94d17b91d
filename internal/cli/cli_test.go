package cli

import (
	"bytes"
	"errors"
	"flag"
	"testing"
)

func TestCode(t *testing.T) {
	for _, tc := range []struct {
		err     error
		code    int
		message string
	}{
		{nil, 0, ""},
		{flag.ErrHelp, 0, ""},
		{errors.New("boom"), 1, "prog: boom\n"},
		{Usagef("unknown command %q", "x"), 2, "prog: unknown command \"x\"\n"},
		{Exit(3, nil), 3, ""},
		{Exit(2, errors.New("child failed")), 2, "prog: child failed\n"},
	} {
		var buf bytes.Buffer
		if got := Code("prog", tc.err, &buf); got != tc.code || buf.String() != tc.message {
			t.Errorf("Code(%v) = %d, %q; want %d, %q", tc.err, got, buf.String(), tc.code, tc.message)
		}
	}
}
