// Package dsstats is the fixed twin of cases/dsstats: Add takes the write
// lock.
//
// Report: https://github.com/Comcast/traffic_control/issues/1868
package dsstats

import (
	"sync"
	"time"
)

// Stat is the aggregate of one delivery service.
type Stat struct {
	Bytes       uint64
	Requests    uint64
	Status5xx   uint64
	LastUpdated time.Time
}

// DSStats are the statistics of all delivery services.
type DSStats struct {
	DeliveryService map[string]Stat
}

// DSStatsThreadsafe wraps DSStats for the monitor's goroutines.
type DSStatsThreadsafe struct {
	m       *sync.RWMutex
	dsStats *DSStats
}

// NewDSStatsThreadsafe returns empty statistics.
func NewDSStatsThreadsafe() DSStatsThreadsafe {
	return DSStatsThreadsafe{m: &sync.RWMutex{}, dsStats: &DSStats{DeliveryService: map[string]Stat{}}}
}

// Get returns a copy of the statistics.
func (o DSStatsThreadsafe) Get() DSStats {
	o.m.RLock()
	defer o.m.RUnlock()
	cp := DSStats{DeliveryService: make(map[string]Stat, len(o.dsStats.DeliveryService))}
	for ds, s := range o.dsStats.DeliveryService {
		cp.DeliveryService[ds] = s
	}
	return cp
}

// Add adds one cache's numbers to a delivery service.
func (o DSStatsThreadsafe) Add(ds string, bytes, requests, status5xx uint64) {
	o.m.Lock()
	defer o.m.Unlock()
	s := o.dsStats.DeliveryService[ds]
	s.Bytes += bytes
	s.Requests += requests
	s.Status5xx += status5xx
	s.LastUpdated = time.Now()
	o.dsStats.DeliveryService[ds] = s
}

// Result is one poll of one cache.
type Result struct {
	Cache string
	PerDS map[string][3]uint64 // bytes, requests, 5xx
}

// ProcessResults adds each cache's results, one goroutine per cache.
func ProcessResults(stats DSStatsThreadsafe, results <-chan []Result) {
	for batch := range results {
		var wg sync.WaitGroup
		for _, r := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ds, v := range r.PerDS {
					stats.Add(ds, v[0], v[1], v[2])
				}
			}()
		}
		wg.Wait()
	}
}
