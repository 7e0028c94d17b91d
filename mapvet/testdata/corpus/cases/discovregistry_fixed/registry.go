// Package discovregistry is the fixed twin of cases/discovregistry: the
// event handler copies c.listeners while holding the read lock.
//
// Report: https://github.com/zeromicro/go-zero/issues/5394
package discovregistry

import (
	"context"
	"sync"

	"corpus/cases/discovregistry_fixed/threading"
)

// KV is a key and its value in the registry.
type KV struct {
	Key string
	Val string
}

// UpdateListener is told about changes under a watched key.
type UpdateListener interface {
	OnAdd(kv KV)
	OnDelete(kv KV)
}

// EventType is the kind of a watch event.
type EventType int

// Watch event kinds.
const (
	EventPut EventType = iota
	EventDelete
)

// Event is a change under a watched prefix.
type Event struct {
	Type EventType
	KV   KV
}

// Watcher streams the events under a prefix.
type Watcher interface {
	Watch(ctx context.Context, prefix string) <-chan []Event
}

type cluster struct {
	watcher    Watcher
	lock       sync.RWMutex
	values     map[string]map[string]string // watched key -> etcd key -> value
	listeners  map[string][]UpdateListener
	watchGroup *threading.RoutineGroup
	done       chan struct{}
}

func newCluster(w Watcher) *cluster {
	return &cluster{
		watcher:    w,
		values:     make(map[string]map[string]string),
		listeners:  make(map[string][]UpdateListener),
		watchGroup: threading.NewRoutineGroup(),
		done:       make(chan struct{}),
	}
}

// Monitor adds l to key's listeners and starts watching key.
func (c *cluster) Monitor(ctx context.Context, key string, l UpdateListener) {
	c.lock.Lock()
	_, watching := c.values[key]
	if !watching {
		c.values[key] = make(map[string]string)
	}
	c.listeners[key] = append(c.listeners[key], l)
	c.lock.Unlock()
	if watching {
		return
	}
	c.watchGroup.Run(func() {
		c.watch(ctx, key)
	})
}

func (c *cluster) watch(ctx context.Context, key string) {
	events := c.watcher.Watch(ctx, key)
	for {
		select {
		case <-c.done:
			return
		case evs, ok := <-events:
			if !ok {
				return
			}
			c.handleWatchEvents(key, evs)
		}
	}
}

func (c *cluster) handleWatchEvents(key string, events []Event) {
	c.lock.RLock()
	listeners := append([]UpdateListener(nil), c.listeners[key]...)
	c.lock.RUnlock()
	for _, ev := range events {
		switch ev.Type {
		case EventPut:
			c.lock.Lock()
			c.values[key][ev.KV.Key] = ev.KV.Val
			c.lock.Unlock()
			for _, l := range listeners {
				l.OnAdd(ev.KV)
			}
		case EventDelete:
			c.lock.Lock()
			delete(c.values[key], ev.KV.Key)
			c.lock.Unlock()
			for _, l := range listeners {
				l.OnDelete(ev.KV)
			}
		}
	}
}

// Registry hands out one cluster per endpoint set.
type Registry struct {
	lock     sync.Mutex
	clusters map[string]*cluster
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{clusters: make(map[string]*cluster)} }

// Monitor watches key on the cluster at endpoints.
func (r *Registry) Monitor(ctx context.Context, endpoints string, w Watcher, key string, l UpdateListener) {
	r.lock.Lock()
	c, ok := r.clusters[endpoints]
	if !ok {
		c = newCluster(w)
		r.clusters[endpoints] = c
	}
	r.lock.Unlock()
	c.Monitor(ctx, key, l)
}
