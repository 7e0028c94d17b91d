// Package sseequal is the fixed twin of cases/sseequal: the comparison
// runs under b.mu, with the copy and the broadcast.
//
// Report: https://github.com/glasskube/glasskube/issues/1400
package sseequal

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"
)

// Versions maps a package name to its latest available version.
type Versions map[string]string

// Broadcaster pushes events to the connected browsers.
type Broadcaster struct {
	mu       sync.Mutex
	clients  map[chan string]struct{}
	latest   Versions // written by the refresher
	lastSent Versions
}

// NewBroadcaster returns a broadcaster with no clients.
func NewBroadcaster() *Broadcaster {
	return &Broadcaster{clients: make(map[chan string]struct{}), latest: Versions{}, lastSent: Versions{}}
}

// AddClient registers a browser connection.
func (b *Broadcaster) AddClient() chan string {
	c := make(chan string, 8)
	b.mu.Lock()
	b.clients[c] = struct{}{}
	b.mu.Unlock()
	return c
}

// RunRefresher polls the repository for new versions.
func (b *Broadcaster) RunRefresher(ctx context.Context, fetch func(context.Context) (Versions, error), every time.Duration) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			vs, err := fetch(ctx)
			if err != nil {
				continue
			}
			b.mu.Lock()
			for name, v := range vs {
				b.latest[name] = v
			}
			b.mu.Unlock()
		}
	}()
}

// UpdatesAvailable tells the clients when the available versions changed;
// HTTP handlers call it after installing or updating a package.
func (b *Broadcaster) UpdatesAvailable() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if reflect.DeepEqual(b.latest, b.lastSent) {
		return
	}
	b.lastSent = make(Versions, len(b.latest))
	for name, v := range b.latest {
		b.lastSent[name] = v
	}
	msg := fmt.Sprintf("event: updates\ndata: %d\n\n", len(b.lastSent))
	for c := range b.clients {
		select {
		case c <- msg:
		default:
		}
	}
}
