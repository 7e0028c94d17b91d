// Command mapguard builds Go programs against a patched copy of the
// installed toolchain's map runtime, so that a crash of "concurrent map
// writes", "concurrent map read and map write" or "concurrent map iteration
// and map write" also names the other side of the race: the goroutine,
// function and file:line of the write, and that goroutine's stack.
//
// Usage:
//
//	mapguard [-strict] [-v] build|test|run|install [go flags] [packages]
//	mapguard overlay   # print the overlay JSON path, for go build -overlay=...
//	mapguard check     # list what the patch changes in this toolchain
//	mapguard clean     # remove mapguard's cache
//
// See docs/mapguard.md.
package main

import (
	"github.com/mapsafe/mapsafe/guard/gocmd"
	"github.com/mapsafe/mapsafe/internal/cli"
)

func main() { cli.Main("mapguard", gocmd.Run) }
