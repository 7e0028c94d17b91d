// Package collector is the fixed twin of cases/collector: every scrape
// builds constant metrics of its own and the collector keeps no map.
//
// Report: https://github.com/prometheus/node_exporter/issues/280
package collector

import (
	"log"

	"corpus/cases/collector_fixed/metrics"
)

// Service is a supervised service and its statistics.
type Service struct {
	Name  string
	Stats map[string]float64 // e.g. "uptime_seconds", "restarts"
}

// ServiceLister lists the supervised services.
type ServiceLister interface {
	List() ([]Service, error)
}

type serviceCollector struct {
	lister ServiceLister
}

// New returns a collector of the services' statistics.
func New(lister ServiceLister) metrics.Collector {
	return &serviceCollector{lister: lister}
}

func (c *serviceCollector) Describe(ch chan<- *metrics.Desc) {}

func (c *serviceCollector) Collect(ch chan<- metrics.Metric) {
	if err := c.update(ch); err != nil {
		log.Printf("service collector failed: %v", err)
	}
}

func (c *serviceCollector) update(ch chan<- metrics.Metric) error {
	services, err := c.lister.List()
	if err != nil {
		return err
	}
	for _, s := range services {
		for stat, value := range s.Stats {
			desc := &metrics.Desc{FQName: "node_service_" + stat, Help: "Service statistic " + stat + ".", LabelNames: []string{"service"}}
			ch <- metrics.MustNewConstMetric(desc, value, s.Name)
		}
	}
	return nil
}
