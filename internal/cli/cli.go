// Package cli holds the few conventions every mapsafe command shares:
// a command is a function from arguments to an error, and the error
// decides the process exit status.
//
// Exit statuses:
//
//	0  success
//	1  an error (bad input, a package that does not build, an internal failure)
//	2  usage error, or a child process's own status passed through
//	3  findings (mapvet)
//
// Commands return *ExitError to choose a status other than 1.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// ExitError carries the exit status a command wants. A nil Err with a
// non-zero Code exits silently (the command already printed what it had to).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Exit returns an error that makes Main exit with code, printing err if it
// is not nil.
func Exit(code int, err error) error { return &ExitError{Code: code, Err: err} }

// Usagef reports a usage error (exit status 2).
func Usagef(format string, args ...any) error {
	return &ExitError{Code: 2, Err: fmt.Errorf(format, args...)}
}

// Env is what a command may touch of the process: its arguments and streams.
type Env struct {
	Args   []string // without the program name
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// OSEnv returns the Env of the running process.
func OSEnv() Env {
	return Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

// Code maps the error returned by a command to its exit status and writes
// the message, prefixed with the program name, to stderr.
func Code(prog string, err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	code := 1
	var ee *ExitError
	if errors.As(err, &ee) {
		code = ee.Code
		if ee.Err == nil {
			return code
		}
	}
	fmt.Fprintf(stderr, "%s: %v\n", prog, err)
	return code
}

// Main runs a command with the process environment and exits.
func Main(prog string, run func(Env) error) {
	env := OSEnv()
	os.Exit(Code(prog, run(env), env.Stderr))
}
