// Package deduper is modeled on Prometheus's log deduplicating slog
// handler: WithAttrs and WithGroup return a new Deduper that shares the
// seen map but gets a fresh zero mutex, so the parent and each child guard
// one map with different locks, and loggers derived with log.With write it
// concurrently.
//
// Report: https://github.com/prometheus/prometheus/issues/15559
package deduper

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

const garbageCollectEvery = 10 * time.Second

// Deduper drops a record that repeats one logged within repeat.
type Deduper struct {
	next   slog.Handler
	repeat time.Duration
	quit   chan struct{}
	mtx    sync.RWMutex
	seen   map[string]time.Time
}

// Dedupe wraps next; Stop ends its garbage collection.
func Dedupe(next slog.Handler, repeat time.Duration) *Deduper {
	d := &Deduper{next: next, repeat: repeat, quit: make(chan struct{}), seen: map[string]time.Time{}}
	go d.run() // race: d the collector deletes from seen under the parent's mutex only
	return d
}

// Enabled reports whether the next handler handles level.
func (d *Deduper) Enabled(ctx context.Context, level slog.Level) bool {
	return d.next.Enabled(ctx, level)
}

// Handle passes r on unless the same line was logged within repeat.
func (d *Deduper) Handle(ctx context.Context, r slog.Record) error {
	line := r.Level.String() + " " + r.Message
	r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })

	d.mtx.RLock()
	last, ok := d.seen[line]
	d.mtx.RUnlock()
	if ok && time.Since(last) < d.repeat {
		return nil
	}
	d.mtx.Lock()
	d.seen[line] = time.Now() // race: d written under the mutex of whichever Deduper was derived; children share the map but not the mutex
	d.mtx.Unlock()
	return d.next.Handle(ctx, r)
}

// WithAttrs returns a handler that adds attrs.
func (d *Deduper) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Deduper{next: d.next.WithAttrs(attrs), repeat: d.repeat, quit: d.quit, seen: d.seen} // race: d the child shares d.seen but has a fresh mutex
}

// WithGroup returns a handler that opens a group.
func (d *Deduper) WithGroup(name string) slog.Handler {
	if name == "" {
		return d
	}
	return &Deduper{next: d.next.WithGroup(name), repeat: d.repeat, quit: d.quit, seen: d.seen} // race: d the child shares d.seen but has a fresh mutex
}

// Stop ends the garbage collection of seen lines.
func (d *Deduper) Stop() { close(d.quit) }

func (d *Deduper) run() {
	ticker := time.NewTicker(garbageCollectEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			d.mtx.Lock()
			now := time.Now()
			for line, ts := range d.seen {
				if now.Sub(ts) > d.repeat {
					delete(d.seen, line)
				}
			}
			d.mtx.Unlock()
		case <-d.quit:
			return
		}
	}
}

// Describe names the handler in diagnostics.
func (d *Deduper) Describe() string { return fmt.Sprintf("dedupe(%v)", d.repeat) }
