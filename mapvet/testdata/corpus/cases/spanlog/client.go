// Package spanlog is modeled on a report to opentracing-go: a client logs
// its call arguments, a map, with log.Object on each attempt's span, then
// changes the map for the retry. The tracer formats the map on its
// reporter goroutine, in another package, after the span finished.
//
// Report: https://github.com/opentracing/opentracing-go/issues/218
package spanlog

import (
	"context"
	"errors"
	"time"

	"corpus/cases/spanlog/tracing"
)

// Transport sends one request.
type Transport interface {
	Do(ctx context.Context, method string, args map[string]any) (any, error)
}

// ErrTemporary marks an error worth retrying.
var ErrTemporary = errors.New("temporary failure")

// Client calls a remote service with retries.
type Client struct {
	tracer    *tracing.Tracer
	transport Transport
	attempts  int
	backoff   time.Duration
}

// NewClient returns a client.
func NewClient(tr *tracing.Tracer, t Transport, attempts int) *Client {
	return &Client{tracer: tr, transport: t, attempts: attempts, backoff: 50 * time.Millisecond}
}

// Call calls method with args, retrying temporary failures.
func (c *Client) Call(ctx context.Context, method string, args map[string]any) (any, error) {
	var lastErr error
	for attempt := 1; attempt <= c.attempts; attempt++ {
		args["attempt"] = attempt // race: f writes the map that the previous attempt's span logged and the reporter goroutine formats
		span := c.tracer.StartSpan(method)
		span.LogFields(tracing.Object("args", args), tracing.Int("attempt", attempt)) // race: f the span keeps the caller's map, which the reporter formats later
		resp, err := c.transport.Do(ctx, method, args)
		span.Finish()
		if err == nil {
			return resp, nil
		}
		lastErr = err
		if !errors.Is(err, ErrTemporary) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(c.backoff * time.Duration(attempt)):
		}
	}
	return nil, lastErr
}
