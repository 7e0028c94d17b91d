// Command afterfunc refreshes a session's timestamp in a time.AfterFunc
// callback while the main loop looks sessions up under a mutex the
// callback does not take.
//
// Modeled on zekroTJA/timedmap#4 ("fatal error: concurrent map writes"):
// an expiry callback running on its own goroutine wrote the map its owner
// used at the same time.
package main

import (
	"sync"
	"time"

	"scenarios/internal/watchdog"
)

type Sessions struct {
	mu   sync.Mutex
	seen map[int]time.Time
}

func (s *Sessions) touch(id int) {
	time.AfterFunc(time.Microsecond, func() {
		s.seen[id] = time.Now() // writer
	})
}

func (s *Sessions) fresh(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.seen[id]
	return ok && time.Since(t) < time.Hour
}

func main() {
	watchdog.Start(10 * time.Second)
	s := &Sessions{seen: map[int]time.Time{}}
	for i := range 64 {
		s.seen[i] = time.Now()
	}
	for i := 0; ; i++ {
		if i%64 == 0 {
			s.touch(i % 61)
		}
		s.fresh(i % 64)
	}
}
