// Package errmap is the fixed twin of cases/errmap: the error map's
// methods have pointer receivers.
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

func (e *errmap) add(name string, err error) {
	e.Lock()
	defer e.Unlock()
	e.m[name] = err
}

func (e *errmap) error() error {
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
	errs := &errmap{m: make(map[string]error)}
	sem := make(chan struct{}, max(m.Workers, 1))
	var wg sync.WaitGroup
	for _, u := range m.Updaters {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := u.Run(ctx); err != nil {
				errs.add(u.Name(), err)
			}
		}()
	}
	wg.Wait()
	return errs.error()
}
