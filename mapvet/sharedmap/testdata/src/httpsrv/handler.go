package httpsrv

import (
	"net/http"
	"sync"
)

// A handler type registered elsewhere: the server runs ServeHTTP for every
// request, so two requests run it at once.
type writers struct {
	mu   sync.Mutex
	byID map[string]string
	seen map[string]bool
}

func (s *writers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	s.byID[id] = r.URL.Path // want `requests run ServeHTTP at the same time, and each run writes s.byID at handler.go:18 with no lock`
	s.mu.Lock()
	s.seen[id] = true
	s.mu.Unlock()
	_ = s.byID["last"]
	local := map[string]int{}
	local[id]++
}

// A gRPC service implementation: its methods run for every call.
type UnimplementedGreeterServer struct{}

type greeter struct {
	UnimplementedGreeterServer
	mu     sync.Mutex
	counts map[string]int
}

func (g *greeter) SayHello(name string) string {
	g.counts[name]++ // want `gRPC calls run SayHello at the same time, and each run writes g.counts at handler.go:37 with no lock`
	return "hello " + name
}

func (g *greeter) SayBye(name string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.counts[name]--
	return "bye"
}
