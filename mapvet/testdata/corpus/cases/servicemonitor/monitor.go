// Package servicemonitor is modeled on the Defang CLI's deployment
// monitor: it starts a goroutine that tails the service events into a
// status map, and then polls that map, ranging it, until every service has
// reached the wanted status.
//
// Report: https://github.com/DefangLabs/defang/issues/480
package servicemonitor

import (
	"context"
	"time"
)

// ServiceEvent is a status change of one service.
type ServiceEvent struct {
	Service string
	Status  string
}

// Tailer streams service events.
type Tailer interface {
	Tail(ctx context.Context) (<-chan ServiceEvent, error)
}

// WaitServiceStatus waits until every service is in targetStatus.
func WaitServiceStatus(ctx context.Context, t Tailer, targetStatus string, services []string) error {
	serviceStatus := make(map[string]string, len(services))
	for _, name := range services {
		serviceStatus[name] = "UNKNOWN"
	}
	events, err := t.Tail(ctx)
	if err != nil {
		return err
	}
	go func() { // race: x the tail goroutine writes serviceStatus while the caller ranges it
		for ev := range events {
			if _, ok := serviceStatus[ev.Service]; ok {
				serviceStatus[ev.Service] = ev.Status // race: x written by the tail goroutine while allInStatus ranges the map
			}
		}
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if allInStatus(targetStatus, serviceStatus) { // race: x allInStatus ranges the map the tail goroutine writes
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func allInStatus(targetStatus string, serviceStatus map[string]string) bool {
	for _, status := range serviceStatus { // race: x ranges the status map the tail goroutine writes
		if status != targetStatus {
			return false
		}
	}
	return true
}
