package main

import "github.com/mapsafe/mapsafe/viz"

func init() {
	register(command{
		name:    "viz",
		summary: "step through the classic map model and a real Swiss map in the browser (-export FILE.html)",
		run:     viz.Command,
	})
}
