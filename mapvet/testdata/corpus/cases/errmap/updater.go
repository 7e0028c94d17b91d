// Package errmap is modeled on claircore's updater: the per-updater error
// map has value-receiver methods, so the mutex is copied on every call and
// the updaters, run in parallel, record their errors in the shared map
// under different copies of it.
//
// Report: https://github.com/quay/claircore/pull/240
package errmap

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

type errmap struct {
	sync.Mutex
	m map[string]error
}

func (e errmap) add(name string, err error) { // race: d the value receiver copies the mutex
	e.Lock()
	defer e.Unlock()
	e.m[name] = err // race: d parallel updaters write the shared map under copies of the mutex
}

func (e errmap) error() error { // race: d the value receiver copies the mutex
	e.Lock()
	defer e.Unlock()
	if len(e.m) == 0 {
		return nil
	}
	names := make([]string, 0, len(e.m))
	for n := range e.m {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("updating errors:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "%s: %v\n", n, e.m[n])
	}
	return errors.New(b.String())
}

// Updater fetches and stores one vulnerability source.
type Updater interface {
	Name() string
	Run(ctx context.Context) error
}

// Manager runs updaters.
type Manager struct {
	Updaters []Updater
	Workers  int
}

// Run runs every updater, Workers at a time, and reports all failures.
func (m *Manager) Run(ctx context.Context) error {
	errs := errmap{m: make(map[string]error)}
	sem := make(chan struct{}, max(m.Workers, 1))
	var wg sync.WaitGroup
	for _, u := range m.Updaters {
		sem <- struct{}{}
		wg.Add(1)
		go func() { // race: d updater goroutines record errors concurrently
			defer func() { <-sem; wg.Done() }()
			if err := u.Run(ctx); err != nil {
				errs.add(u.Name(), err) // race: d add locks a copy of the mutex
			}
		}()
	}
	wg.Wait()
	return errs.error()
}
