// Package emptylabels is modeled on promhttp's server instrumentation:
// labels returns a package-level empty map when the metric has neither a
// code nor a method label, and the handler adds the labels it resolves from
// the request context into the map it got back, on every request
// goroutine.
//
// Report: https://github.com/prometheus/client_golang/issues/1274
package emptylabels

import (
	"context"
	"net/http"
	"strconv"
	"strings"
)

// Counter is a counter of one label combination.
type Counter interface{ Inc() }

// CounterVec is a family of counters partitioned by labels.
type CounterVec interface {
	With(labels map[string]string) Counter
}

// LabelValueFromCtx resolves a label value from a request context.
type LabelValueFromCtx func(ctx context.Context) string

// Option configures the instrumentation.
type Option func(*options)

type options struct {
	extraLabelsFromCtx map[string]LabelValueFromCtx
}

// WithLabelFromCtx adds a label whose value comes from the request context.
func WithLabelFromCtx(name string, valueFn LabelValueFromCtx) Option {
	return func(o *options) { o.extraLabelsFromCtx[name] = valueFn }
}

var emptyLabels = map[string]string{}

// InstrumentHandlerCounter counts the requests next serves.
func InstrumentHandlerCounter(counter CounterVec, code, method bool, next http.Handler, opts ...Option) http.HandlerFunc {
	o := &options{extraLabelsFromCtx: map[string]LabelValueFromCtx{}}
	for _, opt := range opts {
		opt(o)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		d := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(d, r)
		l := labels(code, method, r.Method, d.status) // race: c gets the shared map that the loop below writes
		for label, resolve := range o.extraLabelsFromCtx {
			l[label] = resolve(r.Context()) // race: c writes the map labels returned, which is the shared emptyLabels when code and method are off
		}
		counter.With(l).Inc()
	}
}

func labels(code, method bool, reqMethod string, status int) map[string]string {
	if !(code || method) {
		return emptyLabels // race: c returns the package-level map that every request then writes
	}
	l := map[string]string{}
	if code {
		l["code"] = strconv.Itoa(status)
	}
	if method {
		l["method"] = strings.ToLower(reqMethod)
	}
	return l
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
