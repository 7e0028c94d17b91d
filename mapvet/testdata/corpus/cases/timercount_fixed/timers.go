// Package timercount is the fixed twin of cases/timercount:
// updateActiveTimersCount takes the counter's pointer while it holds the
// lock and adds to it after releasing the lock.
//
// Report: https://github.com/dapr/dapr/pull/10179
package timercount

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Timer is an actor timer.
type Timer struct {
	ActorType string
	ActorID   string
	Name      string
	DueTime   time.Time
	Period    time.Duration
	Callback  func(context.Context) error
}

// Timers keeps the active timers of this host.
type Timers struct {
	lock              sync.RWMutex
	timers            map[string]*Timer
	activeTimersCount map[string]*int64
	due               chan *Timer
	onCount           func(actorType string, n int64)
}

// New returns an empty timer set; Run must be started to fire timers.
func New(onCount func(string, int64)) *Timers {
	return &Timers{
		timers:            make(map[string]*Timer),
		activeTimersCount: make(map[string]*int64),
		due:               make(chan *Timer, 64),
		onCount:           onCount,
	}
}

// Create registers t.
func (i *Timers) Create(t *Timer) {
	key := t.ActorType + "||" + t.ActorID + "||" + t.Name
	i.lock.Lock()
	_, existed := i.timers[key]
	i.timers[key] = t
	i.lock.Unlock()
	if !existed {
		i.updateActiveTimersCount(t.ActorType, 1)
	}
	time.AfterFunc(time.Until(t.DueTime), func() { i.due <- t })
}

// Delete removes a timer.
func (i *Timers) Delete(actorType, actorID, name string) {
	key := actorType + "||" + actorID + "||" + name
	i.lock.Lock()
	_, existed := i.timers[key]
	delete(i.timers, key)
	i.lock.Unlock()
	if existed {
		i.updateActiveTimersCount(actorType, -1)
	}
}

// GetActiveTimersCount returns the number of timers of actorType.
func (i *Timers) GetActiveTimersCount(actorType string) int64 {
	i.lock.RLock()
	defer i.lock.RUnlock()
	if n, ok := i.activeTimersCount[actorType]; ok {
		return atomic.LoadInt64(n)
	}
	return 0
}

// Run fires due timers until ctx is done; one-shot timers are removed.
func (i *Timers) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case t := <-i.due:
			_ = t.Callback(ctx)
			if t.Period == 0 {
				i.Delete(t.ActorType, t.ActorID, t.Name)
				continue
			}
			t.DueTime = t.DueTime.Add(t.Period)
			time.AfterFunc(time.Until(t.DueTime), func() { i.due <- t })
		}
	}
}

func (i *Timers) updateActiveTimersCount(actorType string, inc int64) {
	i.lock.RLock()
	counter, ok := i.activeTimersCount[actorType]
	i.lock.RUnlock()
	if !ok {
		i.lock.Lock()
		if counter, ok = i.activeTimersCount[actorType]; !ok {
			counter = new(int64)
			i.activeTimersCount[actorType] = counter
		}
		i.lock.Unlock()
	}
	newVal := atomic.AddInt64(counter, inc)
	if i.onCount != nil {
		i.onCount(actorType, newVal)
	}
}
