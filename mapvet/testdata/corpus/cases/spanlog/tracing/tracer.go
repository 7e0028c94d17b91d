// Package tracing is a small tracer in the manner of opentracing: spans
// carry log fields, and a finished span is reported asynchronously by the
// tracer's reporter goroutine, which formats the fields then.
//
// Report: https://github.com/opentracing/opentracing-go/issues/218
package tracing

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Field is a key and a value logged on a span.
type Field struct {
	Key   string
	value any
}

// Object logs any value; it is formatted when the span is reported.
func Object(key string, obj any) Field { return Field{Key: key, value: obj} }

// String logs a string.
func String(key, val string) Field { return Field{Key: key, value: val} }

// Int logs an int.
func Int(key string, val int) Field { return Field{Key: key, value: val} }

// LogRecord is a set of fields logged at once.
type LogRecord struct {
	Time   time.Time
	Fields []Field
}

// Span is a timed operation.
type Span struct {
	tracer    *Tracer
	operation string
	start     time.Time
	finish    time.Time
	mu        sync.Mutex
	logs      []LogRecord
}

// LogFields records fields on the span.
func (s *Span) LogFields(fields ...Field) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logs = append(s.logs, LogRecord{Time: time.Now(), Fields: fields})
}

// Finish ends the span and queues it for reporting.
func (s *Span) Finish() {
	s.mu.Lock()
	s.finish = time.Now()
	s.mu.Unlock()
	select {
	case s.tracer.queue <- s:
	default: // drop when the reporter is behind
	}
}

// Tracer starts spans and reports them.
type Tracer struct {
	queue chan *Span
	out   io.Writer
}

// NewTracer returns a tracer that reports to out from a goroutine.
func NewTracer(out io.Writer) *Tracer {
	t := &Tracer{queue: make(chan *Span, 1024), out: out}
	go t.report() // race: f the reporter goroutine formats logged objects
	return t
}

// StartSpan starts a span.
func (t *Tracer) StartSpan(operation string) *Span {
	return &Span{tracer: t, operation: operation, start: time.Now()}
}

func (t *Tracer) report() {
	for s := range t.queue {
		s.mu.Lock()
		var b strings.Builder
		fmt.Fprintf(&b, "%s %v", s.operation, s.finish.Sub(s.start))
		for _, rec := range s.logs {
			for _, f := range rec.Fields {
				fmt.Fprintf(&b, " %s=%v", f.Key, f.value) // race: f formats a logged object, a map the caller still writes
			}
		}
		s.mu.Unlock()
		fmt.Fprintln(t.out, b.String())
	}
}
