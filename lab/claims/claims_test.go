package claims

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/mapsafe/mapsafe/internal/testenv"
	"github.com/mapsafe/mapsafe/lab/child"
)

func TestMain(m *testing.M) {
	child.Main() // this test binary is also the experiments' child process
	testenv.Main(m)
}

func labFor(t *testing.T, c Claim) *Lab {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		testenv.Missing(t, "the go command is not in PATH")
	}
	lab := &Lab{GoCmd: goCmd}
	if c.Classic {
		// The gccgo probe build is the slow part of the classic
		// experiments: once per test binary.
		testenv.Gccgo(t)
		path := testenv.Build(t, "the gccgo probe (lab/mapprobe)", func(dir string) (string, error) {
			p, err := BuildProbe(context.Background(), goCmd, dir)
			if err != nil {
				return "", err
			}
			return p.Path, nil
		})
		lab.Probe = &Probe{Path: path}
	}
	return lab
}

// expected is what the experiments find on Go 1.26 and gccgo 12, for the
// claims whose outcome does not depend on timing: the wrong claims listed in
// docs/claims.md come out does-not-hold. Claim 16's verdicts compare
// timings and may go either way on a loaded machine; only that they
// produce a verdict is checked.
var expected = map[string]Verdict{
	"1": DoesNotHold, "2": DoesNotHold, "3": DoesNotHold, "4": DoesNotHold, "5": DoesNotHold,
	"6a": Holds, "6b": DoesNotHold, "6c": DoesNotHold,
	"7a": Holds, "7b": DoesNotHold, "8a": ClassicOnly, "8b": ClassicOnly,
	"9": Holds, "10": DoesNotHold, "11": ClassicOnly,
	"12": Holds, "13": DoesNotHold, "14": DoesNotHold, "15": DoesNotHold,
}

// Every experiment runs, in child processes, and produces a verdict from
// what it observed.
func TestEveryExperimentRuns(t *testing.T) {
	for _, c := range All {
		t.Run(c.ID, func(t *testing.T) {
			lab := labFor(t, c)
			r := RunClaim(context.Background(), lab, c)
			if r.Error != "" {
				t.Fatalf("experiment failed: %s", r.Error)
			}
			t.Logf("%s %s: %s", r.ID, r.Verdict, r.Evidence.Summary)
			switch r.Verdict {
			case Holds, DoesNotHold, ClassicOnly:
			default:
				t.Fatalf("verdict %q", r.Verdict)
			}
			if r.Evidence.Summary == "" || len(r.Evidence.Runs) == 0 {
				t.Fatalf("no evidence: %+v", r.Evidence)
			}
			classic := false
			for _, p := range r.Evidence.Runs {
				if p.Runtime == "" || p.What == "" {
					t.Errorf("process without a label: %+v", p)
				}
				classic = classic || p.Runtime != gcRuntime()
			}
			if c.Classic && !classic {
				t.Errorf("classic claim with no run on the classic map")
			}
			if want, ok := expected[c.ID]; ok && r.Verdict != want {
				t.Errorf("verdict %s, want %s (evidence: %s)", r.Verdict, want, r.Evidence.Summary)
			}
		})
	}
}

// A classic claim without the probe is an error naming why, not a verdict.
func TestClassicClaimWithoutProbe(t *testing.T) {
	c, _ := Lookup("10")
	r := RunClaim(context.Background(), &Lab{ProbeErr: os.ErrNotExist}, c)
	if r.Error == "" || r.Verdict != "" {
		t.Fatalf("got verdict %q error %q, want an error and no verdict", r.Verdict, r.Error)
	}
}
