// Package deltaevents is the fixed twin of cases/deltaevents: Add takes the
// write lock.
//
// Report: https://github.com/castai/k8s-agent/pull/233
package deltaevents

import (
	"sync"
	"time"
)

// EventType is what happened to an object.
type EventType string

// Event types.
const (
	EventAdd    EventType = "add"
	EventUpdate EventType = "update"
	EventDelete EventType = "delete"
)

// Object is a Kubernetes object as the agent sends it.
type Object struct {
	Kind      string
	Namespace string
	Name      string
	Event     EventType
	Data      []byte
	Seen      time.Time
}

// Delta accumulates the changes to send in the next batch.
type Delta struct {
	mu    sync.RWMutex
	cache map[string]*Object
}

// New returns an empty delta.
func New() *Delta { return &Delta{cache: make(map[string]*Object)} }

// Add records an event; informer handlers call it.
func (d *Delta) Add(ev EventType, kind, namespace, name string, data []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	key := kind + "/" + namespace + "/" + name
	if prev, ok := d.cache[key]; ok && prev.Event == EventAdd && ev == EventUpdate {
		ev = EventAdd // still new to the receiver
	}
	d.cache[key] = &Object{Kind: kind, Namespace: namespace, Name: name, Event: ev, Data: data, Seen: time.Now()}
}

// Snapshot returns the accumulated objects and clears the delta.
func (d *Delta) Snapshot() []*Object {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]*Object, 0, len(d.cache))
	for _, o := range d.cache {
		out = append(out, o)
	}
	d.cache = make(map[string]*Object)
	return out
}

// Len returns the number of pending objects.
func (d *Delta) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.cache)
}
