package main

import "github.com/mapsafe/mapsafe/lab/mapbench"

func init() {
	register(command{
		name:    "bench",
		summary: "benchmark the concurrent maps (cmap, sync.Map, xsync, ...) and say which to use (-quick, -json)",
		run:     mapbench.Command,
	})
}
