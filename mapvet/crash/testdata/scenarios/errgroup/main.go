// Command errgroup resolves names with an errgroup and stores every result
// in one map from the group's goroutines.
//
// Modeled on ko-build/ko#1496 ("concurrent map writes"): goroutines started
// with errgroup.Group.Go recorded their results in a shared map.
package main

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"scenarios/internal/watchdog"
)

func resolveAll(names []string) map[string]string {
	out := map[string]string{}
	var g errgroup.Group
	for _, n := range names {
		g.Go(func() error {
			out[n] = strings.ToUpper(n) // writer
			return nil
		})
	}
	g.Wait()
	return out
}

func main() {
	watchdog.Start(10 * time.Second)
	var names []string
	for i := range 2000 {
		names = append(names, fmt.Sprint("image-", i))
	}
	for {
		resolveAll(names)
	}
}
