// Command maplab runs Go map experiments: reproducers of the map crashes,
// the article's claims as experiments with measured verdicts, and the
// classic (pre-Go 1.24) map model with its verifier and visualizer.
//
// Usage:
//
//	maplab <command> [flags] [args]
//
// Each command lives in its own file beside this one and registers itself;
// its logic lives in a package, not here.
package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/mapsafe/mapsafe/internal/cli"
)

type command struct {
	name    string
	summary string
	run     func(cli.Env) error
}

var commands = map[string]command{}

// register is called from init functions of the command files.
func register(c command) { commands[c.name] = c }

func main() { cli.Main("maplab", run) }

func run(env cli.Env) error {
	if len(env.Args) == 0 || env.Args[0] == "-h" || env.Args[0] == "-help" || env.Args[0] == "help" {
		usage(env.Stdout)
		if len(env.Args) == 0 {
			return cli.Exit(2, nil)
		}
		return nil
	}
	c, ok := commands[env.Args[0]]
	if !ok {
		usage(env.Stderr)
		return cli.Usagef("unknown command %q", env.Args[0])
	}
	env.Args = env.Args[1:]
	return c.run(env)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: maplab <command> [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}
