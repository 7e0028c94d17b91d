package op

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	ops := []Op{{Insert, 1, 2}, {Insert, -3, 0}, {Delete, 4, 0}, {Lookup, 5, 0}, {Clear, 0, 0},
		{IterStart, 0, 0}, {IterNext, 0, 0}, {IterEnd, 0, 0}, {Make, 100, 0}}
	var buf bytes.Buffer
	if err := Write(&buf, ops); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back, ops) {
		t.Fatalf("%v came back as %v", ops, back)
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	for in, want := range map[string]string{
		"x 1":                    `line 1: unknown operation "x"`,
		"i 1 1\ni 1":             `line 2: "i" takes 2 arguments, got 1`,
		"d":                      `line 1: "d" takes 1 arguments, got 0`,
		"i a 1":                  `line 1: "i": "a" is not an integer`,
		"dd 1":                   `line 1: unknown operation "dd"`,
		"\n\nn 3":                `line 3: "n" takes 0 arguments, got 1`,
		"m 99999999999999999999": `line 1: "m": "99999999999999999999" is not an integer`,
	} {
		_, err := Parse(strings.NewReader(in))
		if err == nil || err.Error() != want {
			t.Errorf("Parse(%q): %v, want %s", in, err, want)
		}
	}
}

func TestBlankLinesSkipped(t *testing.T) {
	ops, err := Parse(strings.NewReader("\n  \ni 1 1\n\nr\n"))
	if err != nil || len(ops) != 2 {
		t.Fatalf("%v %v", ops, err)
	}
}

func TestStatement(t *testing.T) {
	for o, want := range map[Op]string{
		{Insert, 1, 2}: "m[1] = 2", {Delete, 3, 0}: "delete(m, 3)", {Lookup, 4, 0}: "v, ok := m[4]",
		{Clear, 0, 0}: "clear(m)", {Make, 8, 0}: "m = make(map[int]int, 8)",
	} {
		if got := o.Statement(); got != want {
			t.Errorf("%v: %q, want %q", o, got, want)
		}
	}
}
