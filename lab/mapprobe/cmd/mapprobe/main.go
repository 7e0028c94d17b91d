// Command mapprobe runs one lab/mapprobe experiment and prints its figures.
// maplab claims builds it with go build -compiler=gccgo to measure the
// classic map of gccgo's libgo (the Go 1.18 runtime); keep it to Go 1.18.
//
// Usage:
//
//	mapprobe EXPERIMENT
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/mapsafe/mapsafe/lab/mapprobe"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintf(os.Stderr, "usage: mapprobe EXPERIMENT (one of %s)\n", strings.Join(mapprobe.Names(), ", "))
		os.Exit(2)
	}
	e, ok := mapprobe.Lookup(os.Args[1])
	if !ok {
		fmt.Fprintf(os.Stderr, "mapprobe: unknown experiment %q (want one of %s)\n", os.Args[1], strings.Join(mapprobe.Names(), ", "))
		os.Exit(2)
	}
	if err := e.Run(os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "mapprobe %s: %v\n", e.Name, err)
		os.Exit(1)
	}
}
