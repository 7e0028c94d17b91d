package main

import "github.com/mapsafe/mapsafe/lab/claims"

func init() {
	register(command{
		name:    "claims",
		summary: "run the article's claims as experiments and print their verdicts",
		run:     claims.Command,
	})
}
