package viz

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/mapsafe/mapsafe/internal/cli"
)

const usage = `usage: maplab viz [-addr host:port] [-export FILE.html]

Serves the visualizer on localhost: step forward and back through
operations on the classic map model (buckets, overflow chains, evacuation
progress, iterator cursors, two goroutines racing) and on a real Swiss map
of this process (directory, tables, groups, control bytes). With -export,
writes the page with all its data as one self-contained HTML file instead
(custom operations need the server).

flags:
`

// Command is "maplab viz".
func Command(env cli.Env) error {
	fs := flag.NewFlagSet("viz", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, usage)
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "localhost:8765", "address to serve on")
	export := fs.String("export", "", "write the page to this file instead of serving it")
	if err := fs.Parse(env.Args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return cli.Exit(2, nil)
	}
	if fs.NArg() > 0 {
		return cli.Usagef("viz: unexpected argument %q", fs.Arg(0))
	}
	d, err := Build()
	if err != nil {
		return err
	}
	if *export != "" {
		page, err := Page(d)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*export, page, 0o644); err != nil {
			return fmt.Errorf("viz: %v", err)
		}
		fmt.Fprintf(env.Stdout, "wrote %s (%d bytes, %d scenarios)\n", *export, len(page), len(d.Scenarios))
		return nil
	}
	h, err := Handler(d)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("viz: listening on %s: %v", *addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(env.Stdout, "serving the visualizer on http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("viz: %v", err)
	}
	return nil
}
