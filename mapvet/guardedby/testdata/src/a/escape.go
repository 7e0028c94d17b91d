package a

import (
	"maps"
	"sync"
)

// A method hands out the guarded map itself; a caller writes it after the
// lock was released.
type Scheduler struct {
	mu   sync.Mutex
	jobs map[int]string
}

func (s *Scheduler) Add(id int, j string) {
	s.mu.Lock()
	s.jobs[id] = j
	s.mu.Unlock()
}

func (s *Scheduler) Get(id int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobs[id]
}

func (s *Scheduler) jobsMap() map[int]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobs
}

func (s *Scheduler) Cancel(id int) {
	delete(s.jobsMap(), id) // want `delete of s.jobs without s.mu, which guards it`
}

// A copy made under the lock is the caller's own.
func (s *Scheduler) snapshot() map[int]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.jobs)
}

func (s *Scheduler) Names() []string {
	var out []string
	for _, j := range s.snapshot() {
		out = append(out, j)
	}
	return out
}
