package verify

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/mapsafe/mapsafe/classic"
	"github.com/mapsafe/mapsafe/classic/interleave"
	"github.com/mapsafe/mapsafe/internal/cli"
	"github.com/mapsafe/mapsafe/internal/srctree"
)

const usage = `usage: maplab classic -verify [-ops N] [-seed S] [-seeds K]
       maplab classic -interleave
       maplab classic [-n N] [-seed S]

With -verify, runs N generated operations (inserts, deletes, lookups, clears,
iterations that write while they run) for each of K seeds starting at S, on a
real map[int]int in gccgo's runtime (libgo, the Go 1.18 classic map, read
with the inspector) and on the classic model, and prints the agreement
table. The model runs twice: fed with the real map's hashes and iterator
starts, where every figure must agree after every operation (bucket
tophashes, noverflow, nevacuate, flags, iterator state, iteration order),
and with its own hash, where count, B and the doubling growth points must
agree. Iteration guarantees are checked on both maps. Exits 1 on any
mismatch. Needs gccgo, and the mapsafe source tree to build the gccgo probe
from: the checkout around the working directory, or else the one this
maplab was built from.

With -interleave, runs a writer and a ranging goroutine over the model in
every possible interleaving of their runtime steps, counts which end in a
fatal error and why, and prints one fatal schedule and the same actions in
one goroutine step by step.

Otherwise, inserts keys 0..N-1 into the model and prints its events and
final layout.

flags:
`

// Command is "maplab classic".
func Command(env cli.Env) error {
	fs := flag.NewFlagSet("classic", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, usage)
		fs.PrintDefaults()
	}
	doVerify := fs.Bool("verify", false, "compare the model with gccgo's real map")
	ops := fs.Int("ops", 10000, "operations per seed (-verify)")
	seed := fs.Uint64("seed", 1, "first seed")
	seeds := fs.Int("seeds", 1, "number of seeds, from -seed on (-verify)")
	n := fs.Int("n", 14, "keys to insert (without -verify)")
	doInterleave := fs.Bool("interleave", false, "show when the runtime's hashWriting checks fire between two goroutines")
	if err := fs.Parse(env.Args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return cli.Exit(2, nil)
	}
	if fs.NArg() > 0 {
		return cli.Usagef("classic: unexpected argument %q", fs.Arg(0))
	}
	if *doInterleave {
		if *doVerify {
			return cli.Usagef("classic: -interleave and -verify are separate modes")
		}
		return interleave.Demo(env.Stdout)
	}
	if !*doVerify {
		if *n < 0 || *n > 1<<20 {
			return cli.Usagef("classic: -n %d: want 0..%d keys", *n, 1<<20)
		}
		return trace(env, *n, *seed)
	}
	if *ops <= 0 || *ops > 10_000_000 {
		return cli.Usagef("classic: -ops %d: want 1..10000000 operations", *ops)
	}
	if *seeds <= 0 || *seeds > 10000 {
		return cli.Usagef("classic: -seeds %d: want 1..10000", *seeds)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root, err := srctree.Root(ctx, "go", ".")
	if err != nil {
		return fmt.Errorf("classic -verify builds its gccgo probe from source: %v", err)
	}
	tmp, err := os.MkdirTemp("", "maplab-classic-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin, err := BuildProbe(ctx, root, tmp)
	if err != nil {
		return err
	}
	opt := Options{Ops: *ops, Probe: bin}
	for i := 0; i < *seeds; i++ {
		opt.Seeds = append(opt.Seeds, *seed+uint64(i))
	}
	results, err := Run(ctx, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "classic model vs gccgo 12 (libgo, Go 1.18 map), map[int]int, %d operations per seed\n\n", *ops)
	if err := WriteTable(env.Stdout, results); err != nil {
		return err
	}
	bad := 0
	for _, r := range results {
		if r.Failed() {
			bad++
		}
	}
	if bad > 0 {
		return cli.Exit(1, fmt.Errorf("classic: the model and the real map disagree on %d of %d seeds", bad, len(results)))
	}
	return nil
}

// trace inserts 0..n-1 into the model and prints every event, then the
// final layout.
func trace(env cli.Env, n int, seed uint64) error {
	w := env.Stdout
	m, err := classic.New[int, int](0, classic.Config[int]{Seed: seed}, func(e classic.Event) {
		if e.Kind == classic.EvOpStart || e.Kind == classic.EvWriting || e.Kind == classic.EvOpEnd {
			return
		}
		fmt.Fprintf(w, "op %-4d %s\n", e.Op, e)
	})
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		m.Insert(i, i)
	}
	fmt.Fprintln(w)
	return classic.WriteLayout(w, m.State())
}
