// Package web is a small gin-like framework: a Context carries the request,
// the response writer and the handler chain.
//
// Report: https://github.com/gin-contrib/timeout/issues/15
package web

import (
	"encoding/json"
	"math"
	"net/http"
)

const abortIndex = math.MaxInt8 / 2

// HandlerFunc handles a request.
type HandlerFunc func(*Context)

// H is a shortcut for a JSON object.
type H map[string]any

// Context is one request being served.
type Context struct {
	Request  *http.Request
	Writer   http.ResponseWriter
	handlers []HandlerFunc
	index    int8
}

// Next runs the remaining handlers of the chain.
func (c *Context) Next() {
	c.index++
	for c.index < int8(len(c.handlers)) {
		c.handlers[c.index](c)
		c.index++
	}
}

// Abort stops the chain after the current handler.
func (c *Context) Abort() { c.index = abortIndex }

// Copy returns a copy of c that can be used outside the request's
// goroutine; its chain is aborted.
func (c *Context) Copy() *Context {
	return &Context{Request: c.Request, Writer: c.Writer, index: abortIndex}
}

// JSON writes obj as the JSON response.
func (c *Context) JSON(code int, obj any) {
	writeContentType(c.Writer, "application/json; charset=utf-8")
	c.Writer.WriteHeader(code)
	_ = json.NewEncoder(c.Writer).Encode(obj)
}

// String writes s as a plain text response.
func (c *Context) String(code int, s string) {
	writeContentType(c.Writer, "text/plain; charset=utf-8")
	c.Writer.WriteHeader(code)
	_, _ = c.Writer.Write([]byte(s))
}

func writeContentType(w http.ResponseWriter, value string) {
	header := w.Header()
	if val := header["Content-Type"]; len(val) == 0 {
		header["Content-Type"] = []string{value}
	}
}

// Engine is an http.Handler running one handler chain.
type Engine struct {
	handlers []HandlerFunc
}

// New returns an engine running handlers for every request.
func New(handlers ...HandlerFunc) *Engine { return &Engine{handlers: handlers} }

func (e *Engine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &Context{Request: r, Writer: w, handlers: e.handlers, index: -1}
	c.Next()
}
