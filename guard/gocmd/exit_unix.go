//go:build unix

package gocmd

import (
	"os"
	"syscall"

	"github.com/mapsafe/mapsafe/internal/cli"
)

// childExit returns the error that makes mapguard exit as the go command
// did: with its status, or, when a signal killed it, with the status a shell
// shows for that, 128+n. So `mapguard run prog 2>&1 | head -1` exits 141,
// as go run does when it dies of SIGPIPE writing "signal: broken pipe" to
// the closed pipe.
func childExit(ps *os.ProcessState) error {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return cli.Exit(128+int(ws.Signal()), nil)
	}
	return cli.Exit(ps.ExitCode(), nil)
}
