package claims

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/mapsafe/mapsafe/internal/srctree"
	"github.com/mapsafe/mapsafe/lab/child"
	"github.com/mapsafe/mapsafe/lab/mapprobe"
)

// The classic side: lab/mapprobe's experiments, built with gccgo into one
// probe binary (lab/mapprobe/cmd/mapprobe) and run as a child process; and
// the same experiments on gc, run as children of this binary.

func init() {
	for _, e := range mapprobe.All {
		e := e
		child.Register("mapprobe/"+e.Name, func([]string) int {
			if err := e.Run(os.Stdout); err != nil {
				fmt.Fprintf(os.Stderr, "mapprobe %s: %v\n", e.Name, err)
				return 1
			}
			return 0
		})
	}
}

// Probe is the mapprobe program built by gccgo.
type Probe struct {
	Path      string
	BuildTime time.Duration
}

// BuildProbe builds lab/mapprobe/cmd/mapprobe with go build -compiler=gccgo
// into dir. It needs the mapsafe source tree (srctree.Root): the module
// containing the working directory, or else the tree this binary was built
// from.
func BuildProbe(ctx context.Context, goCmd, dir string) (*Probe, error) {
	if goCmd == "" {
		return nil, fmt.Errorf("the classic experiments need the go command to build the gccgo probe: none found in PATH")
	}
	if _, err := exec.LookPath("gccgo"); err != nil {
		return nil, fmt.Errorf("the classic experiments need gccgo (the classic map of the Go 1.18 runtime is in its libgo): gccgo not found in PATH (apt-get install gccgo)")
	}
	root, err := srctree.Root(ctx, goCmd, ".")
	if err != nil {
		return nil, fmt.Errorf("the classic experiments build lab/mapprobe from source: %v", err)
	}
	p := &Probe{Path: filepath.Join(dir, "mapprobe")}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-compiler=gccgo", "-o", p.Path, "./lab/mapprobe/cmd/mapprobe")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	p.BuildTime = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("building the gccgo probe in %s: %v\n%s", root, err, out)
	}
	return p, nil
}

// sides holds one mapprobe experiment's run on each map implementation.
type sides struct {
	classic, swiss child.Result
}

// both runs a mapprobe experiment on gccgo's classic map and on this
// toolchain's Swiss map. A probe that could not observe (exit 1, an error
// on stderr) is an error of the experiment, not evidence.
func (t *trial) both(ctx context.Context, exp string, okExit ...int) (sides, error) {
	var s sides
	if t.lab.Probe == nil {
		err := t.lab.ProbeErr
		if err == nil {
			err = fmt.Errorf("the gccgo probe was not built")
		}
		return s, err
	}
	what := "mapprobe " + exp
	res, err := child.Run(ctx, child.Spec{
		Program:    what,
		Executable: t.lab.Probe.Path,
		Args:       []string{exp},
		Env:        []string{"GOMAXPROCS=2"},
		Timeout:    60 * time.Second,
	})
	if err != nil {
		return s, fmt.Errorf("%s on gccgo: %w", what, err)
	}
	label := "gccgo (classic map)"
	if rt, ok := res.Line("runtime:"); ok {
		label = "gccgo: " + rt
	}
	t.record(what, label, res)
	if err := probeFailed(res, okExit); err != nil {
		return s, fmt.Errorf("%s on gccgo: %w", what, err)
	}
	s.classic = res

	res, err = t.child(ctx, what, child.Spec{Program: "mapprobe/" + exp, Env: []string{"GOMAXPROCS=2"}})
	if err != nil {
		return s, err
	}
	if err := probeFailed(res, okExit); err != nil {
		return s, fmt.Errorf("%s on gc: %w", what, err)
	}
	s.swiss = res
	return s, nil
}

func probeFailed(r child.Result, okExit []int) error {
	if r.ExitCode == 0 {
		return nil
	}
	for _, c := range okExit {
		if r.ExitCode == c {
			return nil
		}
	}
	return fmt.Errorf("exit %d: %s", r.ExitCode, r.Excerpt())
}

// combine makes one verdict of a classic claim from its verdict on each map.
func combine(classic, swiss Verdict) Verdict {
	switch {
	case classic == Inconclusive || swiss == Inconclusive:
		return Inconclusive
	case classic == Holds && swiss == Holds:
		return Holds
	case classic == Holds:
		return ClassicOnly
	default:
		return DoesNotHold
	}
}
