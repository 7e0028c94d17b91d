package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"
)

type server struct {
	cache *SessionCache
	ttl   time.Duration
}

func (s *server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /whoami", s.whoami)
	mux.HandleFunc("GET /stats", s.stats)
	return mux
}

// login starts a session for the user named in the form and returns its id.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	user := r.FormValue("user")
	if user == "" {
		http.Error(w, "no user", http.StatusBadRequest)
		return
	}
	var b [16]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	s.cache.Put(id, Session{User: user, Expires: time.Now().Add(s.ttl)}) // site: login
	w.Write([]byte(id))
}

func (s *server) whoami(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.cache.Get(r.URL.Query().Get("id"), time.Now())
	if !ok {
		http.Error(w, "no session", http.StatusUnauthorized)
		return
	}
	w.Write([]byte(sess.User))
}

// stats reports the number of sessions per user.
func (s *server) stats(w http.ResponseWriter, r *http.Request) {
	json.NewEncoder(w).Encode(s.cache.Users())
}

// expireLoop removes expired sessions every tick until stop is closed.
func (s *server) expireLoop(tick time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case now := <-t.C:
			s.cache.Expire(now) // site: expireLoop
		case <-stop:
			return
		}
	}
}
