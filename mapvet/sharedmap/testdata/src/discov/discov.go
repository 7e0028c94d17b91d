// Package discov watches keys on goroutines started by package threading's
// helpers (the shape of go-zero#5394: the read happens before the lock on
// the insert branch).
package discov

import (
	"sync"
	"threading"
)

type Registry struct {
	lock     sync.Mutex
	clusters map[string]int
}

func (r *Registry) monitor(key string) {
	c, ok := r.clusters[key]
	if !ok {
		r.lock.Lock()
		r.clusters[key] = c + 1
		r.lock.Unlock()
	}
}

func (r *Registry) WatchAll(keys []string) {
	for _, k := range keys {
		threading.GoSafe(func() { r.monitor(k) }) // want `each goroutine started here in a loop writes r.clusters at discov.go:20 while another reads it at discov.go:17`
	}
}

// With the lock around the read too, the goroutines are ordered.
func (r *Registry) monitorLocked(key string) {
	r.lock.Lock()
	defer r.lock.Unlock()
	if _, ok := r.clusters[key]; !ok {
		r.clusters[key] = 1
	}
}

func (r *Registry) WatchAllLocked(keys []string) {
	var g threading.RoutineGroup
	for _, k := range keys {
		g.Run(func() { r.monitorLocked(k) })
	}
	g.Wait()
}

// A map the caller owns, written by the group's goroutines without a lock.
func count(words []string) map[string]int {
	var g threading.RoutineGroup
	m := map[string]int{}
	for _, w := range words {
		g.Run(func() { m[w]++ }) // want `goroutines started here in a loop all write m`
	}
	g.Wait()
	return m
}

// After Wait, the group's goroutines are done.
func countJoined(words []string) int {
	var g threading.RoutineGroup
	m := map[string]int{}
	var mu sync.Mutex
	for _, w := range words {
		g.Run(func() { mu.Lock(); m[w]++; mu.Unlock() })
	}
	g.Wait()
	return len(m)
}
