// Package inflight is the fixed twin of cases/inflight: an RWMutex of its
// own guards the in-flight map, and Resend writes to the connection after
// releasing it.
//
// Report: https://github.com/fhmq/hmq/pull/108
package inflight

import (
	"errors"
	"sync"
	"time"
)

// Message is a PUBLISH packet.
type Message struct {
	PacketID uint16
	Topic    string
	Payload  []byte
	QoS      byte
}

type inflightElem struct {
	msg       *Message
	timestamp time.Time
	retries   int
}

// Conn writes packets to the network connection.
type Conn interface {
	WritePacket(m *Message) error
}

// Client is one connected MQTT client.
type Client struct {
	conn Conn

	mu   sync.Mutex // guards subs and nextID
	subs map[string]byte
	next uint16

	inflightMu sync.RWMutex
	inflight   map[uint16]*inflightElem
}

// NewClient returns a client writing to conn.
func NewClient(conn Conn) *Client {
	return &Client{conn: conn, subs: make(map[string]byte), inflight: make(map[uint16]*inflightElem)}
}

// Subscribe records a subscription.
func (c *Client) Subscribe(topic string, qos byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subs[topic] = qos
}

// Deliver sends m to the client; QoS 1 messages wait for a PUBACK.
func (c *Client) Deliver(m *Message) error {
	c.mu.Lock()
	qos, ok := c.subs[m.Topic]
	c.next++
	id := c.next
	c.mu.Unlock()
	if !ok {
		return errors.New("not subscribed to " + m.Topic)
	}
	out := *m
	out.PacketID, out.QoS = id, min(qos, m.QoS)
	if out.QoS > 0 {
		c.inflightMu.Lock()
		c.inflight[id] = &inflightElem{msg: &out, timestamp: time.Now()}
		c.inflightMu.Unlock()
	}
	return c.conn.WritePacket(&out)
}

// HandlePubAck completes the delivery of a QoS 1 message.
func (c *Client) HandlePubAck(id uint16) {
	c.inflightMu.Lock()
	delete(c.inflight, id)
	c.inflightMu.Unlock()
}

// Resend retransmits the messages not acknowledged within timeout.
func (c *Client) Resend(timeout time.Duration) {
	now := time.Now()
	var resend []*Message
	c.inflightMu.Lock()
	for id, e := range c.inflight {
		if now.Sub(e.timestamp) < timeout {
			continue
		}
		if e.retries >= 3 {
			delete(c.inflight, id)
			continue
		}
		e.retries++
		e.timestamp = now
		resend = append(resend, e.msg)
	}
	c.inflightMu.Unlock()
	for _, m := range resend {
		_ = c.conn.WritePacket(m)
	}
}
