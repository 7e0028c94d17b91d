//go:build !unix

package gocmd

import (
	"os"

	"github.com/mapsafe/mapsafe/internal/cli"
)

// childExit returns the error that makes mapguard exit with the go
// command's status.
func childExit(ps *os.ProcessState) error {
	return cli.Exit(ps.ExitCode(), nil)
}
