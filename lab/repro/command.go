package repro

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/mapsafe/mapsafe/internal/cli"
)

// Usage is the help text of maplab repro.
const Usage = `usage: maplab repro NAME [-fixed] [-procs N] [-keys long|int] [-size BYTES] [-timeout D]

Runs a program that dies of a Go map fatal error, in a child process, and
exits with the child's status (2 for a fatal error) after copying its output.
With -fixed it runs the same program with the fix, which completes (status 0).

names:
`

// Command is maplab repro.
func Command(env cli.Env) error {
	fs := flag.NewFlagSet("repro", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var o Options
	fs.BoolVar(&o.Fixed, "fixed", false, "run the program with its fix")
	fs.IntVar(&o.Procs, "procs", 0, "GOMAXPROCS in the child (0: at least 2)")
	fs.StringVar(&o.Keys, "keys", "long", "key type: long (strings sharing a long prefix) or int")
	fs.IntVar(&o.KeySize, "size", DefaultKeySize, "bytes per long key")
	fs.DurationVar(&o.Timeout, "timeout", DefaultTimeout, "the child gives up (status 1) after this long without crashing")
	fs.Usage = func() {
		var b strings.Builder
		b.WriteString(Usage)
		for _, r := range All {
			fmt.Fprintf(&b, "  %-10s %s\n", r.Name, r.Fatal)
		}
		b.WriteString("\nflags:\n")
		fmt.Fprint(env.Stderr, b.String())
		fs.PrintDefaults()
	}
	// The name may come before or after the flags.
	if err := fs.Parse(env.Args); err != nil {
		return parseError(err)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return cli.Usagef("repro: missing reproducer name (one of %s)", strings.Join(Names(), ", "))
	}
	name := rest[0]
	if err := fs.Parse(rest[1:]); err != nil {
		return parseError(err)
	}
	if fs.NArg() > 0 {
		return cli.Usagef("repro: unexpected argument %q after the name %q", fs.Arg(0), name)
	}
	r, ok := Lookup(name)
	if !ok {
		return cli.Usagef("repro: unknown reproducer %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	if err := o.Validate(); err != nil {
		return cli.Usagef("repro: %v", err)
	}
	// Options reads 0 as "the default"; the flags' defaults are not 0, so
	// on the command line a 0 is a mistake, refused like any bad value.
	if o.KeySize == 0 {
		return cli.Usagef("repro: %v", badKeySize(0))
	}
	if o.Timeout == 0 {
		return cli.Usagef("repro: %v", badTimeout(0))
	}

	res, err := Run(context.Background(), r, o, env.Stdout, env.Stderr)
	if err != nil {
		return fmt.Errorf("repro %s: %w", name, err)
	}
	switch {
	case res.TimedOut:
		fmt.Fprintf(env.Stderr, "maplab repro %s: child killed after %v (it did not stop by itself)\n", name, res.Elapsed.Round(time.Millisecond))
	case res.ExitCode == 2 && res.Fatal() != "":
		what := "the expected fatal error"
		if res.Fatal() != r.Fatal {
			what = fmt.Sprintf("a fatal error other than the expected %q", r.Fatal)
		}
		fmt.Fprintf(env.Stderr, "maplab repro %s: child exited with status 2 after %v: %s (%s)\n",
			name, res.Elapsed.Round(time.Millisecond), res.Fatal(), what)
	default:
		fmt.Fprintf(env.Stderr, "maplab repro %s: child exited with status %d after %v\n",
			name, res.ExitCode, res.Elapsed.Round(time.Millisecond))
	}
	if res.ExitCode != 0 {
		code := res.ExitCode
		if code < 0 {
			code = 1
		}
		return cli.Exit(code, nil)
	}
	return nil
}

// parseError maps a flag parsing error: -h is not an error, anything else is
// a usage error the flag package has already printed.
func parseError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return cli.Exit(2, nil)
}
