// Command getter returns its map from a method that holds the lock, and
// the caller ranges the map after the lock is released while an updater
// writes it under the lock.
//
// Modeled on prometheus/prometheus#3735 ("fatal error: concurrent map
// iteration and map write", where "the locks seem properly used"): the
// lock guarded the getter, not the range over what it returned.
package main

import (
	"fmt"
	"sync"
	"time"

	"scenarios/internal/watchdog"
)

type Targets struct {
	mu     sync.Mutex
	byName map[string]int
}

func (t *Targets) update(name string, n int) {
	t.mu.Lock()
	t.byName[name] = n // writer
	t.mu.Unlock()
}

func (t *Targets) All() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byName
}

func main() {
	watchdog.Start(10 * time.Second)
	t := &Targets{byName: map[string]int{}}
	var names []string
	for i := range 64 {
		names = append(names, fmt.Sprint("target-", i))
		t.update(names[i], i)
	}
	go func() {
		for i := 0; ; i++ {
			t.update(names[i%64], i)
		}
	}()
	sum := 0
	for {
		for _, n := range t.All() {
			sum += n
		}
	}
}
