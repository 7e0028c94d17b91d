// Command sessions is an HTTP server with a map race of the kind real
// servers have: a session cache written under its mutex by the login
// handler and by an expiry goroutine, and ranged without the mutex by the
// stats handler. It starts the server on a loopback port and a load
// generator in the same process, and runs until the race crashes it or
// -duration passes (then it exits 0). mapguard's tests build it and check
// that the report names the write's call chain; each write carries a
// "// site: NAME" comment from which they read the expected file:line.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync/atomic"
	"time"
)

func main() {
	duration := flag.Duration("duration", time.Minute, "stop after this long without a crash")
	clients := flag.Int("clients", 8, "concurrent clients logging in")
	expire := flag.Bool("expire", true, "remove expired sessions every millisecond")
	flag.Parse()

	srv := &server{cache: NewSessionCache(), ttl: 20 * time.Millisecond}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "sessions:", err)
		os.Exit(1)
	}
	stop := make(chan struct{})
	if *expire {
		go srv.expireLoop(time.Millisecond, stop)
	}
	go http.Serve(ln, srv.routes())

	base := "http://" + ln.Addr().String()
	var requests atomic.Int64
	for i := range *clients {
		go loginClient(base, fmt.Sprintf("user%d", i%4), &requests)
	}
	go statsClient(base, &requests)

	time.Sleep(*duration)
	close(stop)
	fmt.Printf("sessions: no crash in %v (%d requests)\n", *duration, requests.Load())
}

// loginClient logs in over and over, on one kept-alive connection.
func loginClient(base, user string, requests *atomic.Int64) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	form := url.Values{"user": {user}}
	for {
		resp, err := c.PostForm(base+"/login", form)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		requests.Add(1)
	}
}

// statsClient polls /stats, as a dashboard would.
func statsClient(base string, requests *atomic.Int64) {
	for {
		resp, err := http.Get(base + "/stats")
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		requests.Add(1)
	}
}
