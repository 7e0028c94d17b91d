// Package clientdata is the fixed twin of cases/clientdata: Data returns a
// copy made under the client's lock.
//
// Report: https://github.com/jech/galene/issues/275
package clientdata

import (
	"encoding/json"
	"maps"
	"sync"
)

// Client is a member of a group.
type Client interface {
	ID() string
	PushClient(group, kind, id, username string, data map[string]any) error
}

// Group is a set of clients.
type Group struct {
	Name    string
	mu      sync.Mutex
	clients map[string]Client
}

// Clients returns the group's clients except the one with ID except.
func (g *Group) Clients(except string) []Client {
	g.mu.Lock()
	defer g.mu.Unlock()
	var cs []Client
	for id, c := range g.clients {
		if id != except {
			cs = append(cs, c)
		}
	}
	return cs
}

// WebClient is a client connected over a websocket.
type WebClient struct {
	id       string
	username string
	group    *Group
	send     func([]byte) error

	mu   sync.Mutex
	data map[string]any
}

// NewWebClient returns a member of g that sends messages with send.
func NewWebClient(g *Group, id, username string, send func([]byte) error) *WebClient {
	c := &WebClient{id: id, username: username, group: g, send: send, data: make(map[string]any)}
	g.mu.Lock()
	if g.clients == nil {
		g.clients = make(map[string]Client)
	}
	g.clients[id] = c
	g.mu.Unlock()
	return c
}

// ReadLoop handles the client's messages until the channel is closed.
func (c *WebClient) ReadLoop(msgs <-chan []byte) {
	for msg := range msgs {
		var m userAction
		if err := json.Unmarshal(msg, &m); err != nil {
			continue
		}
		c.handleUserAction(m)
	}
}

// ID returns the client's ID.
func (c *WebClient) ID() string { return c.id }

// Data returns the client's user data.
func (c *WebClient) Data() map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.data)
}

// SetData sets one key of the user data.
func (c *WebClient) SetData(key string, value any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if value == nil {
		delete(c.data, key)
		return
	}
	c.data[key] = value
}

// PushClient tells this client that another client changed.
func (c *WebClient) PushClient(group, kind, id, username string, data map[string]any) error {
	b, err := json.Marshal(map[string]any{"type": "user", "kind": kind, "group": group, "id": id, "username": username, "data": data})
	if err != nil {
		return err
	}
	return c.send(b)
}

// userAction is a client's "useraction" message.
type userAction struct {
	Kind  string         `json:"kind"`
	Value map[string]any `json:"value"`
}

func (c *WebClient) handleUserAction(m userAction) {
	switch m.Kind {
	case "setdata":
		for k, v := range m.Value {
			c.SetData(k, v)
		}
		data := c.Data()
		go func(clients []Client) {
			for _, cc := range clients {
				_ = cc.PushClient(c.group.Name, "change", c.id, c.username, data)
			}
		}(c.group.Clients(c.id))
	}
}
