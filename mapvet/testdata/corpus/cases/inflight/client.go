// Package inflight is modeled on the hmq MQTT broker's client: the client
// type holds a mutex (for its subscriptions), and its methods are called
// concurrently: Deliver by the goroutines of the publishing clients,
// HandlePubAck by this client's own read loop, Resend by the broker's
// retry timer. The in-flight message map is used by all three without a
// lock.
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

	inflight map[uint16]*inflightElem
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
		c.inflight[id] = &inflightElem{msg: &out, timestamp: time.Now()} // race: b Deliver runs on the publishers' goroutines and writes c.inflight
	}
	return c.conn.WritePacket(&out)
}

// HandlePubAck completes the delivery of a QoS 1 message.
func (c *Client) HandlePubAck(id uint16) {
	delete(c.inflight, id) // race: b the client's read loop deletes from c.inflight while Deliver writes it
}

// Resend retransmits the messages not acknowledged within timeout.
func (c *Client) Resend(timeout time.Duration) {
	now := time.Now()
	for id, e := range c.inflight { // race: b the retry timer ranges c.inflight while Deliver writes it
		if now.Sub(e.timestamp) < timeout {
			continue
		}
		if e.retries >= 3 {
			delete(c.inflight, id)
			continue
		}
		e.retries++
		e.timestamp = now
		_ = c.conn.WritePacket(e.msg)
	}
}
