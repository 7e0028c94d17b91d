package verify

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/internal/cli"
	"github.com/mapsafe/mapsafe/internal/testenv"
)

func run(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	err := Command(cli.Env{Args: args, Stdout: &out, Stderr: &errb})
	code := cli.Code("maplab", err, &errb)
	return out.String(), errb.String(), code
}

func TestCommandTrace(t *testing.T) {
	out, _, code := run("-n", "27")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"hashGrow: doubling grow B 2 -> 3", "evacuate oldbucket", "count=27 B=3", "growing=doubling"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace of 27 inserts lacks %q", want)
		}
	}
}

func TestCommandInterleave(t *testing.T) {
	out, _, code := run("-interleave")
	if code != 0 || !strings.Contains(out, "concurrent map iteration and map write") || !strings.Contains(out, "=> finished: no check saw hashWriting set") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

func TestCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"-verify", "-ops", "0"}, {"-verify", "-seeds", "0"}, {"-n", "-1"}, {"-bogus"}, {"extra"}, {"-verify", "-interleave"}} {
		_, stderr, code := run(args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

// Outside the module, -verify builds the probe from the source tree this
// binary was built from.
func TestCommandOutsideModule(t *testing.T) {
	testenv.Gccgo(t)
	t.Chdir(t.TempDir())
	out, stderr, code := run("-verify", "-ops", "300")
	if code != 0 || !strings.Contains(out, "classic model vs gccgo 12") {
		t.Fatalf("exit %d: %s%s", code, out, stderr)
	}
}

func TestCommandVerify(t *testing.T) {
	probeBin(t) // skips (or fails under CI) without gccgo
	out, stderr, code := run("-verify", "-ops", "1500", "-seed", "5")
	if code != 0 || !strings.Contains(out, "real-hash mismatches") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
}
