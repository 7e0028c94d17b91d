// Package timeoutheader is modeled on gin-contrib/timeout: the middleware
// runs the handler on a goroutine with a buffering writer and, when the
// deadline passes first, swaps the context's writer back to the original
// and runs the timeout response on the same context. The handler, still
// running, then renders through the swapped writer too, and the web
// package's writeContentType writes the original writer's header map from
// both goroutines.
//
// Report: https://github.com/gin-contrib/timeout/issues/15
package timeoutheader

import (
	"bytes"
	"net/http"
	"sync"
	"time"

	"corpus/cases/timeoutheader/web"
)

// Writer buffers the handler's response until it is known to be in time.
type Writer struct {
	http.ResponseWriter
	mu      sync.Mutex
	h       http.Header
	body    bytes.Buffer
	code    int
	timeout bool
}

func newWriter(w http.ResponseWriter) *Writer {
	return &Writer{ResponseWriter: w, h: make(http.Header), code: http.StatusOK}
}

// Header returns the buffered header map.
func (w *Writer) Header() http.Header { return w.h }

// Write buffers b unless the request timed out.
func (w *Writer) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timeout {
		return 0, http.ErrHandlerTimeout
	}
	return w.body.Write(b)
}

// WriteHeader records the status code.
func (w *Writer) WriteHeader(code int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.code = code
}

// Option configures the middleware.
type Option func(*Timeout)

// Timeout is the middleware's configuration.
type Timeout struct {
	timeout  time.Duration
	handler  web.HandlerFunc
	response web.HandlerFunc
}

// WithTimeout sets the deadline.
func WithTimeout(d time.Duration) Option { return func(t *Timeout) { t.timeout = d } }

// WithHandler sets the handler to run under the deadline.
func WithHandler(h web.HandlerFunc) Option { return func(t *Timeout) { t.handler = h } }

// WithResponse sets the handler that answers a request that timed out.
func WithResponse(h web.HandlerFunc) Option { return func(t *Timeout) { t.response = h } }

func defaultResponse(c *web.Context) {
	c.String(http.StatusRequestTimeout, http.StatusText(http.StatusRequestTimeout))
}

// New returns the timeout middleware.
func New(opts ...Option) web.HandlerFunc {
	t := &Timeout{timeout: 5 * time.Second, handler: func(c *web.Context) { c.Next() }, response: defaultResponse}
	for _, opt := range opts {
		opt(t)
	}
	return func(c *web.Context) {
		finish := make(chan struct{}, 1)
		panicChan := make(chan any, 1)
		w := c.Writer
		tw := newWriter(w)
		c.Writer = tw
		go func() { // race: f the handler keeps running on this goroutine after the deadline and renders into the original writer
			defer func() {
				if p := recover(); p != nil {
					panicChan <- p
				}
			}()
			t.handler(c) // race: f the handler, a function value, renders through the context the timeout path also uses
			finish <- struct{}{}
		}()
		timer := time.NewTimer(t.timeout)
		defer timer.Stop()
		select {
		case p := <-panicChan:
			panic(p)
		case <-finish:
			tw.mu.Lock()
			defer tw.mu.Unlock()
			dst := w.Header()
			for k, vv := range tw.h {
				dst[k] = vv
			}
			w.WriteHeader(tw.code)
			_, _ = w.Write(tw.body.Bytes())
		case <-timer.C:
			c.Abort()
			tw.mu.Lock()
			tw.timeout = true
			tw.mu.Unlock()
			c.Writer = w
			t.response(c) // race: f renders the timeout response into the original writer while the handler goroutine may render too
			c.Writer = tw
		}
	}
}
