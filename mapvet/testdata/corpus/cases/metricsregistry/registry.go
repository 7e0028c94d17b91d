// Package metricsregistry is modeled on go-metrics' StandardRegistry:
// Get, Register, GetOrRegister and Unregister hold r.mutex, but Each and
// GetAll range r.metrics without it, so a reporter iterating the registry
// races with request goroutines that register new metrics.
//
// Report: https://github.com/rcrowley/go-metrics/issues/282
package metricsregistry

import (
	"fmt"
	"reflect"
	"sync"
)

// Counter is a metric that counts.
type Counter struct {
	mu sync.Mutex
	n  int64
}

// Inc adds n.
func (c *Counter) Inc(n int64) { c.mu.Lock(); c.n += n; c.mu.Unlock() }

// Count returns the current count.
func (c *Counter) Count() int64 { c.mu.Lock(); defer c.mu.Unlock(); return c.n }

// DuplicateMetric is returned by Register when a name is taken.
type DuplicateMetric string

func (err DuplicateMetric) Error() string {
	return fmt.Sprintf("duplicate metric: %s", string(err))
}

// Registry holds metrics by name.
type Registry struct {
	metrics map[string]any
	mutex   sync.Mutex
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{metrics: make(map[string]any)}
}

// Each calls f for each registered metric.
func (r *Registry) Each(f func(string, any)) {
	for name, i := range r.metrics { // race: a ranges r.metrics without r.mutex, Register writes it under r.mutex
		f(name, i)
	}
}

// Get returns the metric registered under name, or nil.
func (r *Registry) Get(name string) any {
	r.mutex.Lock()
	defer r.mutex.Unlock()
	return r.metrics[name]
}

// GetOrRegister returns the existing metric or registers the one that
// newMetric returns.
func (r *Registry) GetOrRegister(name string, newMetric func() any) any {
	r.mutex.Lock()
	defer r.mutex.Unlock()
	if metric, ok := r.metrics[name]; ok {
		return metric
	}
	m := newMetric()
	r.register(name, m)
	return m
}

// Register registers metric under name.
func (r *Registry) Register(name string, metric any) error {
	r.mutex.Lock()
	defer r.mutex.Unlock()
	return r.register(name, metric)
}

// Unregister removes the metric registered under name.
func (r *Registry) Unregister(name string) {
	r.mutex.Lock()
	defer r.mutex.Unlock()
	delete(r.metrics, name)
}

// GetAll returns the counts of all counters.
func (r *Registry) GetAll() map[string]map[string]any {
	data := make(map[string]map[string]any)
	for name, i := range r.metrics { // race: a ranges r.metrics without r.mutex, Register writes it under r.mutex
		values := make(map[string]any)
		if c, ok := i.(*Counter); ok {
			values["count"] = c.Count()
		}
		data[name] = values
	}
	return data
}

func (r *Registry) register(name string, i any) error {
	if _, ok := r.metrics[name]; ok {
		return DuplicateMetric(name)
	}
	if v := reflect.ValueOf(i); v.Kind() == reflect.Pointer && v.IsNil() {
		return fmt.Errorf("nil metric %q", name)
	}
	r.metrics[name] = i
	return nil
}
