package a

import "net/http"

// Each iteration makes a new request; the goroutine an earlier iteration
// left running reads that iteration's request, not this one (x/net's
// transport tests).
func roundTrip(req *http.Request, done chan struct{}) {
	go func() {
		_ = req.Header["Accept"]
		close(done)
	}()
}

func loopFresh(urls []string) {
	for _, u := range urls {
		req, _ := http.NewRequest("GET", u, nil)
		req.Header["X-Trace"] = []string{"1"}
		roundTrip(req, make(chan struct{}))
	}
}

// After the start, the same iteration's goroutine reads the same request.
func loopAfter(urls []string) {
	for _, u := range urls {
		req, _ := http.NewRequest("GET", u, nil)
		roundTrip(req, make(chan struct{}))
		req.Header["X-Trace"] = []string{"1"} // want `write to req.Header may run while the goroutine started by roundTrip`
	}
}
