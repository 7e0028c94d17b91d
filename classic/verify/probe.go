package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"

	"github.com/mapsafe/mapsafe/classic/op"
	"github.com/mapsafe/mapsafe/classic/verify/record"
	"github.com/mapsafe/mapsafe/internal/srctree"
)

const probePkg = srctree.ModulePath + "/classic/verify/probe"

// BuildProbe compiles the probe with gccgo into outDir and returns its
// path. root is the root of the mapsafe source tree (srctree.Root).
func BuildProbe(ctx context.Context, root, outDir string) (string, error) {
	if _, err := exec.LookPath("gccgo"); err != nil {
		return "", errors.New("gccgo not found in PATH: the real classic map runs in gccgo's runtime (apt-get install gccgo)")
	}
	bin := filepath.Join(outDir, "classic-probe")
	cmd := exec.CommandContext(ctx, "go", "build", "-compiler=gccgo", "-o", bin, probePkg)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build -compiler=gccgo %s: %v\n%s", probePkg, err, stderr.Bytes())
	}
	return bin, nil
}

// RunProbe runs ops on the real map in the probe and returns its records.
func RunProbe(ctx context.Context, bin string, ops []op.Op) ([]record.Record, error) {
	var in bytes.Buffer
	if err := op.Write(&in, ops); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Stdin = &in
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("probe: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	recs, err := record.Read(&stdout)
	if err != nil {
		return nil, err
	}
	if len(recs) != len(ops) {
		return nil, fmt.Errorf("probe reported %d operations of %d", len(recs), len(ops))
	}
	return recs, nil
}
