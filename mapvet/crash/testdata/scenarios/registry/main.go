// Command registry registers codecs into a package-level map from one
// goroutine while others look codecs up.
//
// Modeled on kubernetes/client-go#853 ("fatal error: concurrent map read
// and map write"): a library's package-level registry map was read by a
// decoder while another goroutine registered into it.
package main

import (
	"fmt"
	"strings"
	"time"

	"scenarios/internal/watchdog"
)

var codecs = map[string]func(string) string{}

func register(name string, f func(string) string) {
	codecs[name] = f // writer
}

func lookup(name string) func(string) string {
	return codecs[name]
}

func main() {
	watchdog.Start(10 * time.Second)
	var names []string
	for i := range 64 {
		names = append(names, fmt.Sprint("codec-", i))
		register(names[i], strings.ToUpper)
	}
	go func() {
		for i := 0; ; i++ {
			register(names[i%64], strings.ToLower)
		}
	}()
	n := 0
	for i := 0; ; i++ {
		if f := lookup(names[i%64]); f != nil {
			n++
		}
	}
}
