// Package schedulertasks is the fixed twin of cases/schedulertasks: Tasks
// returns a copy of the task map made under the read lock.
//
// Report: https://github.com/madflojo/tasks/pull/10
package schedulertasks

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Task is a function run on an interval.
type Task struct {
	Interval time.Duration
	RunOnce  bool
	TaskFunc func() error
	ErrFunc  func(error)

	timer *time.Timer
}

// Scheduler runs tasks.
type Scheduler struct {
	sync.RWMutex
	tasks map[string]*Task
}

// New returns a scheduler with no tasks.
func New() *Scheduler { return &Scheduler{tasks: make(map[string]*Task)} }

// AddWithID schedules t under id.
func (s *Scheduler) AddWithID(id string, t *Task) error {
	s.Lock()
	defer s.Unlock()
	if _, ok := s.tasks[id]; ok {
		return fmt.Errorf("task %q already exists", id)
	}
	s.tasks[id] = t
	s.schedule(id, t)
	return nil
}

func (s *Scheduler) schedule(id string, t *Task) {
	t.timer = time.AfterFunc(t.Interval, func() {
		if err := t.TaskFunc(); err != nil && t.ErrFunc != nil {
			t.ErrFunc(err)
		}
		if t.RunOnce {
			s.Del(id)
			return
		}
		s.Lock()
		if _, ok := s.tasks[id]; ok {
			s.schedule(id, t)
		}
		s.Unlock()
	})
}

// Del stops and removes a task.
func (s *Scheduler) Del(id string) {
	s.Lock()
	defer s.Unlock()
	if t, ok := s.tasks[id]; ok {
		t.timer.Stop()
		delete(s.tasks, id)
	}
}

// Tasks returns the scheduled tasks.
func (s *Scheduler) Tasks() map[string]*Task {
	s.RLock()
	defer s.RUnlock()
	m := make(map[string]*Task, len(s.tasks))
	for id, t := range s.tasks {
		m[id] = t
	}
	return m
}

// Status describes the scheduled tasks for the admin page.
func Status(s *Scheduler) string {
	var lines []string
	for id, t := range s.Tasks() {
		lines = append(lines, fmt.Sprintf("%s every %v (once=%v)", id, t.Interval, t.RunOnce))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
