package claims

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mapsafe/mapsafe/lab/child"
	"github.com/mapsafe/mapsafe/lab/mapprobe"
)

// The classic side: lab/mapprobe's experiments, built with gccgo into one
// probe binary (lab/mapprobe/cmd/mapprobe) and run as a child process; and
// the same experiments on gc, run as children of this binary.

const modulePath = "github.com/mapsafe/mapsafe"

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
	dir       string
}

// BuildProbe builds lab/mapprobe/cmd/mapprobe with go build -compiler=gccgo
// into a temporary directory. It needs the mapsafe source tree: the
// module containing the working directory, or else the tree this binary was
// built from.
func BuildProbe(ctx context.Context, goCmd string) (*Probe, error) {
	if goCmd == "" {
		return nil, fmt.Errorf("the classic experiments need the go command to build the gccgo probe: none found in PATH")
	}
	if _, err := exec.LookPath("gccgo"); err != nil {
		return nil, fmt.Errorf("the classic experiments need gccgo (the classic map of the Go 1.18 runtime is in its libgo): gccgo not found in PATH (apt-get install gccgo)")
	}
	root, err := moduleRoot(ctx, goCmd)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "maplab-probe-")
	if err != nil {
		return nil, err
	}
	p := &Probe{Path: filepath.Join(dir, "mapprobe"), dir: dir}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-compiler=gccgo", "-o", p.Path, "./lab/mapprobe/cmd/mapprobe")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	p.BuildTime = time.Since(start)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("building the gccgo probe in %s: %v\n%s", root, err, out)
	}
	return p, nil
}

// Close removes the probe binary.
func (p *Probe) Close() {
	if p != nil && p.dir != "" {
		os.RemoveAll(p.dir)
	}
}

// moduleRoot finds the mapsafe source tree.
func moduleRoot(ctx context.Context, goCmd string) (string, error) {
	var tried []string
	out, err := exec.CommandContext(ctx, goCmd, "env", "GOMOD").Output()
	if err == nil {
		if gomod := strings.TrimSpace(string(out)); gomod != "" && gomod != os.DevNull {
			if isMapsafe(gomod) {
				return filepath.Dir(gomod), nil
			}
			tried = append(tried, gomod)
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		gomod := filepath.Join(filepath.Dir(file), "..", "..", "go.mod")
		if isMapsafe(gomod) {
			return filepath.Dir(gomod), nil
		}
		tried = append(tried, gomod)
	}
	return "", fmt.Errorf("the classic experiments build lab/mapprobe from the mapsafe source tree, and none was found (tried %s): run maplab claims inside the checkout", strings.Join(tried, ", "))
}

func isMapsafe(gomod string) bool {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == "module" {
			return f[1] == modulePath
		}
	}
	return false
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
