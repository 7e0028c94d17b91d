// Command metrics counts requests per path in a map field from its HTTP
// handler, without the lock its metrics goroutine takes to range the map.
//
// Modeled on migalabs/armiarma#32 ("Peering metrics exporting routines
// generates concurrent map R/W operations"): a metrics exporter goroutine
// ranged a map that the service's request path kept writing.
package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"scenarios/internal/watchdog"
)

type Server struct {
	mu     sync.Mutex
	counts map[string]int
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.counts[r.URL.Path]++ // writer
	w.WriteHeader(http.StatusNoContent)
}

var total atomic.Int64

// exportMetrics sums the counts the way a metrics collector would.
func (s *Server) exportMetrics() {
	for {
		s.mu.Lock()
		n := 0
		for _, c := range s.counts {
			n += c
		}
		s.mu.Unlock()
		total.Store(int64(n))
	}
}

func main() {
	watchdog.Start(10 * time.Second)
	s := &Server{counts: map[string]int{}}
	for i := range 64 {
		s.counts[fmt.Sprint("/p", i)] = 0
	}
	srv := httptest.NewServer(s)
	go s.exportMetrics()
	for range 4 {
		go func() {
			client := srv.Client()
			for i := 0; ; i++ {
				if resp, err := client.Get(fmt.Sprint(srv.URL, "/p", i%64)); err == nil {
					resp.Body.Close()
				}
			}
		}()
	}
	select {}
}
