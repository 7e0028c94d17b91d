package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/mapsafe/mapsafe/classic/op"
	"github.com/mapsafe/mapsafe/classic/verify/record"
)

const (
	modulePath = "github.com/mapsafe/mapsafe"
	probePkg   = modulePath + "/classic/verify/probe"
)

// ModuleRoot finds the mapsafe module around dir: the probe is built from
// source, so the verifier must run inside the module.
func ModuleRoot(dir string) (string, error) {
	cmd := exec.Command("go", "env", "GOMOD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("%s is not inside the %s module: the verifier builds its gccgo probe from the module's source", dir, modulePath)
	}
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	first, _, _ := strings.Cut(string(data), "\n")
	if strings.TrimSpace(strings.TrimPrefix(first, "module")) != modulePath {
		return "", fmt.Errorf("%s is not the %s module: the verifier builds its gccgo probe from the module's source", gomod, modulePath)
	}
	return filepath.Dir(gomod), nil
}

// BuildProbe compiles the probe with gccgo into outDir and returns its
// path. root is the module root (ModuleRoot).
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
