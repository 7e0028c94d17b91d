// Package servicemonitor is the fixed twin of cases/servicemonitor: the
// status map belongs to the waiting loop, which applies the events itself.
//
// Report: https://github.com/DefangLabs/defang/issues/480
package servicemonitor

import (
	"context"
	"errors"
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
	for {
		if allInStatus(targetStatus, serviceStatus) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-events:
			if !ok {
				return errors.New("service event stream ended before every service reached " + targetStatus)
			}
			if _, known := serviceStatus[ev.Service]; known {
				serviceStatus[ev.Service] = ev.Status
			}
		}
	}
}

func allInStatus(targetStatus string, serviceStatus map[string]string) bool {
	for _, status := range serviceStatus {
		if status != targetStatus {
			return false
		}
	}
	return true
}
