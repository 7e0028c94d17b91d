// Package contextvalues is modeled on infracost's RunContext:
// ContextValues returns the guarded map itself rather than a copy, so the
// telemetry code ranges it after the lock is released while the project
// goroutines keep setting values under the lock.
//
// Report: https://github.com/infracost/infracost/pull/2544
package contextvalues

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// RunContext carries the state of one run.
type RunContext struct {
	StartTime time.Time

	mu          sync.RWMutex
	contextVals map[string]any
}

// NewRunContext returns a run context with no values.
func NewRunContext() *RunContext {
	return &RunContext{StartTime: time.Now(), contextVals: make(map[string]any)}
}

// SetContextValue records a value reported with the run's telemetry.
func (r *RunContext) SetContextValue(key string, value any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.contextVals[key] = value
}

// ContextValues returns the values recorded so far.
func (r *RunContext) ContextValues() map[string]any {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.contextVals // race: c returns the guarded map itself; callers range it after the lock is released
}

// Project is one project of the run.
type Project struct {
	Name string
	Path string
}

// RunProjects evaluates the projects in parallel and reports progress.
func RunProjects(ctx *RunContext, projects []Project, eval func(Project) (int, error), report func([]byte)) error {
	errs := make(chan error, len(projects))
	for _, p := range projects {
		go func() { // race: c project goroutines set values while the telemetry ranges the escaped map
			n, err := eval(p)
			ctx.SetContextValue("resources."+p.Name, n)
			errs <- err
		}()
	}
	for range projects {
		if err := <-errs; err != nil {
			return err
		}
		report(telemetry(ctx)) // race: c ranges the escaped map while project goroutines write it
	}
	return nil
}

func telemetry(ctx *RunContext) []byte {
	payload := map[string]any{"duration": time.Since(ctx.StartTime).String()}
	for k, v := range ctx.ContextValues() { // race: c ranges the guarded map without its lock while project goroutines set values
		payload[k] = fmt.Sprint(v)
	}
	b, _ := json.Marshal(payload)
	return b
}
