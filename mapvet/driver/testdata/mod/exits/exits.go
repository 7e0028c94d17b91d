// Package exits ends its functions with calls that never return, so their
// deferred calls never run: nothing here is a finding.
package exits

import (
	"log"
	"os"
)

func Fatal() {
	m := map[int]int{}
	defer func() {
		for range m {
		}
	}()
	go func() { m[1] = 1 }()
	log.Fatal("stop")
}

func Exit() {
	m := map[int]int{}
	defer func() {
		for range m {
		}
	}()
	go func() { m[1] = 1 }()
	os.Exit(1)
}
