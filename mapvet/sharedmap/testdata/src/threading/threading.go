// Package threading starts goroutines for its callers, as go-zero's
// core/threading does: what runs is the function value the caller passes.
package threading

import "sync"

// GoSafe runs fn on a goroutine of its own.
func GoSafe(fn func()) {
	go func() {
		defer func() { _ = recover() }()
		fn()
	}()
}

// RoutineGroup runs functions on goroutines and waits for them.
type RoutineGroup struct{ wg sync.WaitGroup }

func (g *RoutineGroup) Run(fn func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		fn()
	}()
}

func (g *RoutineGroup) Wait() { g.wg.Wait() }
