// Package collector is modeled on a node_exporter collector that kept its
// gauges in a map it filled lazily during Update: the registry in the
// metrics package calls Collect through the Collector interface on a
// goroutine per collector and per scrape, so two scrapes at once write the
// collector's map.
//
// Report: https://github.com/prometheus/node_exporter/issues/280
package collector

import (
	"log"

	"corpus/cases/collector/metrics"
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
	lister  ServiceLister
	metrics map[string]*metrics.GaugeVec
}

// New returns a collector of the services' statistics.
func New(lister ServiceLister) metrics.Collector {
	return &serviceCollector{lister: lister, metrics: make(map[string]*metrics.GaugeVec)}
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
			g, ok := c.metrics[stat] // race: f concurrent scrapes read c.metrics while another writes it
			if !ok {
				g = metrics.NewGaugeVec("node_service_"+stat, "Service statistic "+stat+".", "service")
				c.metrics[stat] = g // race: f concurrent scrapes call Collect, through the registry's goroutines, and write c.metrics
			}
			g.Set(value, s.Name)
		}
	}
	for _, g := range c.metrics { // race: f ranges c.metrics while another scrape writes it
		g.Collect(ch)
	}
	return nil
}
