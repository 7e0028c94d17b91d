// Package portforward is the fixed twin of cases/portforward: the timeout
// message prints the connection's address with %p, as the handler's other
// messages do, instead of walking it with %v.
//
// Report: https://github.com/containerd/containerd/issues/7797
package portforward

import (
	"io"
	"log"
	"net"
	"strconv"
	"sync"
	"time"

	"corpus/cases/portforward_fixed/spdy"
)

// Connection is a multiplexed connection.
type Connection interface {
	io.Closer
	SetIdleTimeout(time.Duration)
	RemoteAddr() net.Addr
}

// PortForwarder forwards a stream to a port of a pod.
type PortForwarder interface {
	PortForward(podName string, port int32, stream io.ReadWriteCloser) error
}

type streamPair struct {
	requestID   string
	dataStream  *spdy.Stream
	errorStream *spdy.Stream
	complete    chan struct{}
}

type httpStreamHandler struct {
	conn                  Connection
	streamChan            chan *spdy.Stream
	streamPairsLock       sync.RWMutex
	streamPairs           map[string]*streamPair
	streamCreationTimeout time.Duration
	pod                   string
	forwarder             PortForwarder
}

// Serve handles the port-forward streams of one upgraded connection.
func Serve(netConn net.Conn, frames <-chan spdy.Frame, pod string, fwd PortForwarder, timeout time.Duration) {
	streams := make(chan *spdy.Stream, 4)
	h := &httpStreamHandler{
		conn:                  spdy.NewConnection(netConn, frames, streams),
		streamChan:            streams,
		streamPairs:           make(map[string]*streamPair),
		streamCreationTimeout: timeout,
		pod:                   pod,
		forwarder:             fwd,
	}
	h.run()
}

func (h *httpStreamHandler) getStreamPair(requestID string) (*streamPair, bool) {
	h.streamPairsLock.Lock()
	defer h.streamPairsLock.Unlock()
	if p, ok := h.streamPairs[requestID]; ok {
		return p, false
	}
	p := &streamPair{requestID: requestID, complete: make(chan struct{})}
	h.streamPairs[requestID] = p
	return p, true
}

func (h *httpStreamHandler) monitorStreamPair(p *streamPair, timeout <-chan time.Time) {
	select {
	case <-timeout:
		log.Printf("(conn=%p, request=%s) timed out waiting for streams", h.conn, p.requestID)
	case <-p.complete:
	}
	h.streamPairsLock.Lock()
	delete(h.streamPairs, p.requestID)
	h.streamPairsLock.Unlock()
}

func (h *httpStreamHandler) run() {
	for stream := range h.streamChan {
		requestID := stream.Headers()["requestID"]
		p, created := h.getStreamPair(requestID)
		if created {
			go h.monitorStreamPair(p, time.After(h.streamCreationTimeout))
		}
		switch stream.Headers()["streamType"] {
		case "error":
			p.errorStream = stream
		case "data":
			p.dataStream = stream
		}
		if p.dataStream != nil && p.errorStream != nil {
			port, _ := strconv.Atoi(stream.Headers()["port"])
			go h.portForward(p, int32(port))
		}
	}
}

func (h *httpStreamHandler) portForward(p *streamPair, port int32) {
	defer close(p.complete)
	log.Printf("(conn=%p, request=%s) invoking forwarder.PortForward for port %d", h.conn, p.requestID, port)
	if err := h.forwarder.PortForward(h.pod, port, nil); err != nil {
		log.Printf("(conn=%p, request=%s) error forwarding port %d to pod %s: %v", h.conn, p.requestID, port, h.pod, err)
	}
}
