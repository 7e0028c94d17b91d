package main

import (
	"sync"
	"time"
)

// Session is one logged-in user.
type Session struct {
	User    string
	Expires time.Time
}

// SessionCache holds the sessions by id. Every method takes the lock but
// Users, which was written for a dashboard and ranges over the map without
// it: the bug this program exists to show.
type SessionCache struct {
	mu sync.Mutex
	m  map[string]Session
}

func NewSessionCache() *SessionCache {
	return &SessionCache{m: make(map[string]Session)}
}

// Put stores a session.
func (c *SessionCache) Put(id string, s Session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[id] = s // site: Put
}

// Get returns the session with id, if it has not expired.
func (c *SessionCache) Get(id string, now time.Time) (Session, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[id]
	if !ok || s.Expires.Before(now) {
		return Session{}, false
	}
	return s, true
}

// Expire removes the sessions that expired before now and says how many.
func (c *SessionCache) Expire(now time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for id, s := range c.m {
		if s.Expires.Before(now) {
			delete(c.m, id) // site: Expire
			n++
		}
	}
	return n
}

// Users counts the sessions of each user. It forgot the lock.
func (c *SessionCache) Users() map[string]int {
	users := make(map[string]int)
	for _, s := range c.m {
		users[s.User]++
	}
	return users
}
