package main

import "github.com/mapsafe/mapsafe/classic/verify"

func init() {
	register(command{
		name:    "classic",
		summary: "the classic (pre-Go 1.24) map model: trace it, or -verify it against gccgo's real map",
		run:     verify.Command,
	})
}
