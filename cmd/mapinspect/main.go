// Command mapinspect fills a map[int]int and prints its real runtime
// layout: Swiss tables when built with gc, classic buckets when built with
// gccgo (go build -compiler=gccgo ./cmd/mapinspect).
//
// Usage:
//
//	mapinspect [-n N] [-hint H] [-delete D] [-json] [-groups] [-all] [-trace] [-svg FILE]
//
// It fills keys 0..N-1 into make(map[int]int, H), deletes keys 0..D-1,
// inspects the map and writes the layout as text (or JSON with -json;
// -groups adds every group's control bytes or bucket's tophashes; -trace
// adds the growth events of the fill; -svg also draws it into FILE).
package main

import (
	"flag"
	"io"

	"github.com/mapsafe/mapsafe/inspect/mapinspect"
	"github.com/mapsafe/mapsafe/internal/cli"
)

func main() { cli.Main("mapinspect", run) }

func run(env cli.Env) error {
	var c mapinspect.Config
	fs := flag.NewFlagSet("mapinspect", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.IntVar(&c.N, "n", 100, "fill keys 0..N-1")
	fs.IntVar(&c.Hint, "hint", 0, "make size hint")
	fs.IntVar(&c.Delete, "delete", 0, "then delete keys 0..D-1")
	fs.BoolVar(&c.JSON, "json", false, "write JSON instead of text")
	fs.BoolVar(&c.Groups, "groups", false, "include every group's control bytes (every bucket's tophashes)")
	fs.BoolVar(&c.All, "all", false, "text: list every table or bucket")
	fs.BoolVar(&c.Trace, "trace", false, "report the growth events of the fill")
	fs.StringVar(&c.SVG, "svg", "", "also draw the layout as SVG into `file`")
	fs.Usage = func() { usage(env.Stderr, fs) }
	if err := fs.Parse(env.Args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return cli.Exit(2, nil)
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	if err := c.Check(); err != nil {
		return cli.Usagef("%v", err)
	}
	return mapinspect.Run(c, env.Stdout, env.Stderr)
}

func usage(w io.Writer, fs *flag.FlagSet) {
	io.WriteString(w, "usage: mapinspect [-n N] [-hint H] [-delete D] [-json] [-groups] [-all] [-trace] [-svg FILE]\n")
	fs.PrintDefaults()
}
