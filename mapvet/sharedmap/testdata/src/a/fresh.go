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

type tconn struct{ streams map[int]int }

func newConn() *tconn { return &tconn{streams: map[int]int{}} }

func (c *tconn) serve() { c.streams[1] = 1 }

// An accept loop starts one of several goroutines on each new connection
// (gRPC's transport test server): two arms of one switch never run in the
// same iteration, and each iteration has its own connection.
func acceptLoop(kinds []int) {
	for _, k := range kinds {
		c := newConn()
		switch k {
		case 0:
			go c.serve()
		case 1:
			go func() { c.serve() }()
		default:
			go c.serve()
		}
	}
}

// Two goroutines of one iteration do share it.
func acceptBoth(kinds []int) {
	for range kinds {
		c := newConn()
		go c.serve()
		go c.serve() // want `the goroutine started here writes c.streams at`
	}
}
