// Command fmtprint formats a map of peers with %v for a status line while
// another goroutine counts peers in it.
//
// Modeled on netobserv/flowlogs-pipeline#234 ("Error: concurrent map
// iteration and map write"): fmt printed a map (it sorts the keys, which
// ranges the map) that another goroutine was writing.
package main

import (
	"fmt"
	"time"

	"scenarios/internal/watchdog"
)

type Tracker struct {
	peers map[string]int
}

func (t *Tracker) observe(p string) {
	t.peers[p]++ // writer
}

func (t *Tracker) status() string {
	return fmt.Sprintf("peers: %v", t.peers)
}

func main() {
	watchdog.Start(10 * time.Second)
	t := &Tracker{peers: map[string]int{}}
	var names []string
	for i := range 32 {
		names = append(names, fmt.Sprint("peer-", i))
		t.peers[names[i]] = 0
	}
	go func() {
		for i := 0; ; i++ {
			t.observe(names[i%32])
		}
	}()
	n := 0
	for {
		n += len(t.status())
	}
}
