// Package spdy multiplexes streams over one connection. A Connection's
// serve loop adds and removes streams as frames arrive.
//
// Report: https://github.com/containerd/containerd/issues/7797
package spdy

import (
	"io"
	"net"
	"sync"
	"time"
)

// Stream is one stream of a connection.
type Stream struct {
	id      uint32
	headers map[string]string
	data    chan []byte
}

// Headers returns the stream's headers.
func (s *Stream) Headers() map[string]string { return s.headers }

// Identifier returns the stream's ID.
func (s *Stream) Identifier() uint32 { return s.id }

// Frame is a decoded frame.
type Frame struct {
	StreamID uint32
	Headers  map[string]string // set on a SYN_STREAM frame
	Data     []byte
	Fin      bool
}

// Connection is a multiplexed connection.
type Connection struct {
	conn        net.Conn
	streamLock  sync.RWMutex
	streams     map[uint32]*Stream
	newStreams  chan<- *Stream
	idleTimeout time.Duration
}

// NewConnection serves conn, sending every new stream on newStreams.
func NewConnection(conn net.Conn, frames <-chan Frame, newStreams chan<- *Stream) *Connection {
	c := &Connection{conn: conn, streams: make(map[uint32]*Stream), newStreams: newStreams}
	go c.serve(frames)
	return c
}

func (c *Connection) serve(frames <-chan Frame) {
	for f := range frames {
		c.streamLock.Lock()
		s, ok := c.streams[f.StreamID]
		if !ok && f.Headers != nil {
			s = &Stream{id: f.StreamID, headers: f.Headers, data: make(chan []byte, 16)}
			c.streams[f.StreamID] = s
		}
		if ok && f.Fin {
			delete(c.streams, f.StreamID)
		}
		c.streamLock.Unlock()
		if s == nil {
			continue
		}
		if !ok {
			c.newStreams <- s
		}
		if len(f.Data) > 0 {
			s.data <- f.Data
		}
		if f.Fin {
			close(s.data)
		}
	}
}

// SetIdleTimeout sets how long the connection may stay without streams.
func (c *Connection) SetIdleTimeout(d time.Duration) { c.idleTimeout = d }

// Close closes the connection.
func (c *Connection) Close() error { return c.conn.Close() }

// RemoteAddr returns the peer's address.
func (c *Connection) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

var _ io.Closer = (*Connection)(nil)
