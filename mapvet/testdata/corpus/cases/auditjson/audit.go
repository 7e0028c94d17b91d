// Package auditjson is modeled on the API server's audit logging: the
// filter hands the live audit event to a buffered backend at the
// RequestReceived stage, the backend's goroutine JSON-encodes it later,
// and in the meantime the request's handlers keep adding annotations to
// the event's map. encoding/json iterates the map while it is written.
//
// Report: https://github.com/kubernetes/kubernetes/issues/120507
package auditjson

import (
	"context"
	"encoding/json"
	"io"
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
	go b.run() // race: e the backend goroutine encodes events the handlers still annotate
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
		line, err := json.Marshal(ev) // race: e encoding/json iterates ev.Annotations while the request's handlers add to it
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
	ev.Annotations[key] = value // race: e the handler writes the annotations of an event the backend goroutine is encoding
}

// WithAudit records an audit event for every request to handler.
func WithAudit(handler http.Handler, backend Backend, auditID func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev := &Event{AuditID: auditID(), Stage: "RequestReceived", Verb: r.Method, RequestURI: r.RequestURI, Timestamp: time.Now(), Annotations: map[string]string{}}
		backend.ProcessEvents(ev) // race: e hands the live event to the backend goroutine, then keeps writing it
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		handler.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), eventKey{}, ev)))
		ev.Stage, ev.ResponseStatus, ev.Timestamp = "ResponseComplete", rec.status, time.Now()
		backend.ProcessEvents(ev)
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
