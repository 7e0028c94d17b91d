// Package threading runs functions on goroutines that a group can wait for.
//
// Report: https://github.com/zeromicro/go-zero/issues/5394
package threading

import (
	"log"
	"sync"
)

// RoutineGroup waits for the functions it ran.
type RoutineGroup struct {
	waitGroup sync.WaitGroup
}

// NewRoutineGroup returns an empty group.
func NewRoutineGroup() *RoutineGroup { return new(RoutineGroup) }

// Run runs fn on a new goroutine.
func (g *RoutineGroup) Run(fn func()) {
	g.waitGroup.Add(1)
	go func() {
		defer g.waitGroup.Done()
		fn()
	}()
}

// RunSafe runs fn on a new goroutine and logs a panic instead of crashing.
func (g *RoutineGroup) RunSafe(fn func()) {
	g.waitGroup.Add(1)
	go func() {
		defer g.waitGroup.Done()
		defer func() {
			if p := recover(); p != nil {
				log.Printf("threading: recovered %v", p)
			}
		}()
		fn()
	}()
}

// Wait waits for every function run so far.
func (g *RoutineGroup) Wait() { g.waitGroup.Wait() }
