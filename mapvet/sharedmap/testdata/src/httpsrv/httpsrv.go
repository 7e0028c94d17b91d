// Package httpsrv is a server whose handlers share a session map: net/http
// runs each request's handler on a goroutine of its own, so the handlers
// run alongside each other and themselves.
package httpsrv

import (
	"fmt"
	"net/http"
	"sync"
)

type server struct {
	mu       sync.Mutex
	sessions map[string]string
	hits     map[string]int
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	user := r.FormValue("user")
	s.mu.Lock()
	s.sessions[user] = "token"
	s.mu.Unlock()
}

func (s *server) stats(w http.ResponseWriter, r *http.Request) {
	for user := range s.sessions {
		fmt.Fprintln(w, user)
	}
}

func (s *server) count(w http.ResponseWriter, r *http.Request) {
	s.hits[r.URL.Path]++
}

func (s *server) statsLocked(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(w, len(s.sessions))
}

func Serve(s *server) {
	mux := http.NewServeMux()
	mux.HandleFunc("/login", s.login)
	mux.HandleFunc("/stats", s.stats) // want `the net/http handler registered here ranges over s.sessions at httpsrv.go:26 while the net/http handler registered at httpsrv.go:43 writes it`
	mux.HandleFunc("/count", s.count) // want `requests that run the net/http handler registered here at the same time all write s.hits at httpsrv.go:32`
	mux.HandleFunc("/statsz", s.statsLocked)
	http.ListenAndServe(":8080", mux)
}

// A handler type, registered by value.
type countHandler struct{ s *server }

func (h countHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.s.mu.Lock()
	h.s.hits[r.URL.Path]++
	h.s.mu.Unlock()
}

func ServeLocked(s *server) {
	http.Handle("/count", countHandler{s})
	http.HandleFunc("/statsz", s.statsLocked)
}
