// Package auditjson is the fixed twin of cases/auditjson: the filter hands
// the backend a deep copy of the event at each stage, so the backend's
// goroutine encodes a map no one writes.
//
// Report: https://github.com/kubernetes/kubernetes/issues/120507
package auditjson

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"time"
)

// Event is an audit event.
type Event struct {
	AuditID        string            `json:"auditID"`
	Stage          string            `json:"stage"`
	Verb           string            `json:"verb"`
	RequestURI     string            `json:"requestURI"`
	User           string            `json:"user"`
	Annotations    map[string]string `json:"annotations,omitempty"`
	ResponseStatus int               `json:"responseStatus,omitempty"`
	Timestamp      time.Time         `json:"stageTimestamp"`
}

// DeepCopy returns a copy of ev that shares no map with it.
func (ev *Event) DeepCopy() *Event {
	cp := *ev
	cp.Annotations = maps.Clone(ev.Annotations)
	return &cp
}

// Backend receives audit events.
type Backend interface {
	ProcessEvents(events ...*Event)
}

type bufferedBackend struct {
	buffer chan *Event
	out    io.Writer
}

// NewBufferedBackend returns a backend that writes events as JSON lines
// from a goroutine of its own.
func NewBufferedBackend(out io.Writer, size int) Backend {
	b := &bufferedBackend{buffer: make(chan *Event, size), out: out}
	go b.run()
	return b
}

func (b *bufferedBackend) ProcessEvents(events ...*Event) {
	for _, ev := range events {
		select {
		case b.buffer <- ev:
		default: // drop when full, as the real backend does
		}
	}
}

func (b *bufferedBackend) run() {
	for ev := range b.buffer {
		line, err := json.Marshal(ev)
		if err != nil {
			continue
		}
		_, _ = b.out.Write(append(line, '\n'))
	}
}

type eventKey struct{}

// LogAnnotation adds an annotation to the request's audit event.
func LogAnnotation(ctx context.Context, key, value string) {
	ev, ok := ctx.Value(eventKey{}).(*Event)
	if !ok {
		return
	}
	if ev.Annotations == nil {
		ev.Annotations = make(map[string]string)
	}
	ev.Annotations[key] = value
}

// WithAudit records an audit event for every request to handler.
func WithAudit(handler http.Handler, backend Backend, auditID func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev := &Event{AuditID: auditID(), Stage: "RequestReceived", Verb: r.Method, RequestURI: r.RequestURI, Timestamp: time.Now(), Annotations: map[string]string{}}
		backend.ProcessEvents(ev.DeepCopy())
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		handler.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), eventKey{}, ev)))
		ev.Stage, ev.ResponseStatus, ev.Timestamp = "ResponseComplete", rec.status, time.Now()
		backend.ProcessEvents(ev.DeepCopy())
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
