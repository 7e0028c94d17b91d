// Command iface publishes versions to a repository through an interface
// from several goroutines; the in-memory implementation writes a plain map.
//
// Modeled on open-component-model/open-component-model#269 ("Concurrent
// map write"): a repository used through an interface was written by
// concurrent tasks, and the write was in the implementation's method.
package main

import (
	"fmt"
	"time"

	"scenarios/internal/watchdog"
)

type Repository interface {
	Add(name string, version int)
	Latest(name string) int
}

type memRepo struct {
	versions map[string]int
}

func (r *memRepo) Add(name string, version int) {
	r.versions[name] = version // writer
}

func (r *memRepo) Latest(name string) int { return r.versions[name] }

func publish(repo Repository, names []string) {
	for i := 0; ; i++ {
		repo.Add(names[i%len(names)], i)
	}
}

func main() {
	watchdog.Start(10 * time.Second)
	var names []string
	for i := range 64 {
		names = append(names, fmt.Sprint("component-", i))
	}
	var repo Repository = &memRepo{versions: map[string]int{}}
	for range 2 {
		go publish(repo, names)
	}
	sum := 0
	for i := 0; ; i++ {
		sum += repo.Latest(names[i%len(names)])
	}
}
