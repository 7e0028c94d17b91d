package main

import (
	"github.com/mapsafe/mapsafe/lab/child"
	"github.com/mapsafe/mapsafe/lab/repro"
)

func init() {
	// A maplab started by itself as a lab child runs its program and exits
	// here, before main (see lab/child).
	child.Main()
	register(command{
		name:    "repro",
		summary: "crash on demand with a map fatal error, or run the fix (-fixed)",
		run:     repro.Command,
	})
}
