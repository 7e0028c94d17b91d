// Command mapvet reports Go map hazards that end in the fatal errors
// "concurrent map writes", "concurrent map read and map write" and
// "concurrent map iteration and map write".
//
// Usage:
//
//	mapvet [-json|-sarif] [-fix] [-checks list] packages...
//	go vet -vettool=$(command -v mapvet) packages...
//
// Run "mapvet help" for the checks. Exit status: 0 no findings, 3 findings,
// 1 error, 2 bad usage.
package main

import (
	"github.com/mapsafe/mapsafe/internal/cli"
	"github.com/mapsafe/mapsafe/mapvet/driver"
)

func main() { cli.Main("mapvet", driver.Main) }
