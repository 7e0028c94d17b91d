// Package spanlog is the fixed twin of cases/spanlog: each span logs a
// copy of the arguments, so the map the reporter formats is never written
// again.
//
// Report: https://github.com/opentracing/opentracing-go/issues/218
package spanlog

import (
	"context"
	"errors"
	"maps"
	"time"

	"corpus/cases/spanlog_fixed/tracing"
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
		args["attempt"] = attempt
		span := c.tracer.StartSpan(method)
		span.LogFields(tracing.Object("args", maps.Clone(args)), tracing.Int("attempt", attempt))
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
