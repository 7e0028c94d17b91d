// Package contextvalues is the fixed twin of cases/contextvalues:
// ContextValues returns a copy made under the lock.
//
// Report: https://github.com/infracost/infracost/pull/2544
package contextvalues

import (
	"encoding/json"
	"fmt"
	"maps"
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
	return maps.Clone(r.contextVals)
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
		go func() {
			n, err := eval(p)
			ctx.SetContextValue("resources."+p.Name, n)
			errs <- err
		}()
	}
	for range projects {
		if err := <-errs; err != nil {
			return err
		}
		report(telemetry(ctx))
	}
	return nil
}

func telemetry(ctx *RunContext) []byte {
	payload := map[string]any{"duration": time.Since(ctx.StartTime).String()}
	for k, v := range ctx.ContextValues() {
		payload[k] = fmt.Sprint(v)
	}
	b, _ := json.Marshal(payload)
	return b
}
