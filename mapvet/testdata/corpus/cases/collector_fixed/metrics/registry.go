// Package metrics is a small stand-in for the Prometheus client library:
// collectors registered with a Registry are asked for their metrics on
// every scrape, each on a goroutine of its own, and scrapes run as
// concurrently as the HTTP requests that ask for them.
//
// Report: https://github.com/prometheus/node_exporter/issues/280
package metrics

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Desc describes a metric.
type Desc struct {
	FQName     string
	Help       string
	LabelNames []string
}

// Sample is one value of a metric.
type Sample struct {
	Name   string
	Labels []string
	Value  float64
}

// Metric is a single sample source.
type Metric interface {
	Sample() Sample
}

// Collector produces metrics on demand.
type Collector interface {
	Describe(chan<- *Desc)
	Collect(chan<- Metric)
}

type constMetric struct{ s Sample }

func (m constMetric) Sample() Sample { return m.s }

// MustNewConstMetric returns a metric with a fixed value.
func MustNewConstMetric(desc *Desc, value float64, labelValues ...string) Metric {
	if len(labelValues) != len(desc.LabelNames) {
		panic(fmt.Sprintf("%s: %d label values for %d labels", desc.FQName, len(labelValues), len(desc.LabelNames)))
	}
	lv := make([]string, len(labelValues))
	for i, v := range labelValues {
		lv[i] = desc.LabelNames[i] + "=" + v
	}
	return constMetric{Sample{Name: desc.FQName, Labels: lv, Value: value}}
}

// GaugeVec is a family of gauges partitioned by label values; it is safe
// for concurrent use.
type GaugeVec struct {
	desc   *Desc
	mu     sync.Mutex
	values map[string]float64
}

// NewGaugeVec returns an empty gauge family.
func NewGaugeVec(name, help string, labelNames ...string) *GaugeVec {
	return &GaugeVec{desc: &Desc{FQName: name, Help: help, LabelNames: labelNames}, values: make(map[string]float64)}
}

// Set sets the gauge of labelValues.
func (v *GaugeVec) Set(value float64, labelValues ...string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.values[strings.Join(labelValues, "\xff")] = value
}

// Describe sends the family's description.
func (v *GaugeVec) Describe(ch chan<- *Desc) { ch <- v.desc }

// Collect sends the family's gauges.
func (v *GaugeVec) Collect(ch chan<- Metric) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for lvs, value := range v.values {
		ch <- MustNewConstMetric(v.desc, value, strings.Split(lvs, "\xff")...)
	}
}

// Registry holds collectors.
type Registry struct {
	mu         sync.RWMutex
	collectors []Collector
}

// MustRegister adds collectors.
func (r *Registry) MustRegister(cs ...Collector) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.collectors = append(r.collectors, cs...)
}

// Gather collects every registered collector, concurrently.
func (r *Registry) Gather() []Sample {
	r.mu.RLock()
	cs := append([]Collector(nil), r.collectors...)
	r.mu.RUnlock()
	ch := make(chan Metric, 64)
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Collect(ch)
		}()
	}
	go func() {
		wg.Wait()
		close(ch)
	}()
	var out []Sample
	for m := range ch {
		out = append(out, m.Sample())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Handler serves the registry in the text format; every scrape gathers.
func Handler(r *Registry) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for _, s := range r.Gather() {
			fmt.Fprintf(w, "%s{%s} %g\n", s.Name, strings.Join(s.Labels, ","), s.Value)
		}
	})
}
