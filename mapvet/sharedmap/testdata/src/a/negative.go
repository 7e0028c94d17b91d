package a

import "sync"

func joined() map[int]int {
	m := map[int]int{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); m[1] = 1 }()
	wg.Wait()
	return map[int]int{m[1]: 1}
}

func locked(words []string) map[string]int {
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	for _, w := range words {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			counts[w]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return counts
}

func ownMaps(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[int]int{}
			local[i] = i
		}()
	}
	wg.Wait()
}

// Written before the goroutines start, read-only after.
func readOnlyAfter(n int) {
	cfg := map[string]int{"a": 1}
	cfg["b"] = 2
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = cfg["a"]
		}()
	}
	wg.Wait()
}

func channelJoin() int {
	m := map[int]int{}
	done := make(chan bool)
	go func() {
		m[1] = 1
		done <- true
	}()
	<-done
	return m[1]
}

// A different map per iteration.
func perIteration(shards []map[int]int) {
	var wg sync.WaitGroup
	for _, shard := range shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			shard[0] = 1
		}()
	}
	wg.Wait()
	for i := range shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			shards[i][1] = 1
		}()
	}
	wg.Wait()
}

// The starter's own access is under the same mutex.
func bothLocked() {
	var mu sync.Mutex
	m := map[int]int{}
	go func() {
		mu.Lock()
		m[1] = 1
		mu.Unlock()
	}()
	mu.Lock()
	_ = m[1]
	mu.Unlock()
}

// Results come back over a channel; only the starter writes the map.
func collect(keys []string) map[string]int {
	type res struct {
		k string
		n int
	}
	ch := make(chan res)
	for _, k := range keys {
		go func() { ch <- res{k, len(k)} }()
	}
	out := map[string]int{}
	for range keys {
		r := <-ch
		out[r.k] = r.n
	}
	return out
}

// Suppressed, with a reason.
func suppressed() {
	m := map[int]int{}
	go func() { m[1] = 1 }()
	//mapvet:ignore sharedmap the goroutine is a test stub that never runs in production
	_ = m[1]
}

func waitGroupGoJoined() int {
	m := map[string]int{}
	var wg sync.WaitGroup
	wg.Go(func() { m["a"] = 1 })
	wg.Wait()
	return m["a"]
}

func tryLocked() {
	var mu sync.Mutex
	m := map[int]int{}
	go func() {
		if mu.TryLock() {
			m[1] = 1
			mu.Unlock()
		}
	}()
	mu.Lock()
	_ = m[1]
	mu.Unlock()
}

// Regression (testing.common.Helper): the lock is taken through the same
// choice of receiver as the map, c or c.parent.
type common struct {
	mu      sync.Mutex
	parent  *common
	sub     bool
	helpers map[uintptr]bool
}

func (c *common) Helper(pc uintptr) {
	if c.sub {
		c = c.parent
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.helpers[pc] = true
}

func helpersInLoop(c *common) {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Helper(uintptr(i))
		}()
	}
	wg.Wait()
}

// Regression (net/http/fcgi): the starter writes one request's params
// while the goroutine of another request reads its own.
type request struct{ params map[string]string }

func serveRequests(ids []uint16, requests map[uint16]*request) {
	for _, id := range ids {
		req := requests[id]
		req.params["k"] = "v"
		go func() { _ = req.params["k"] }()
		requests[id].params["x"] = "y"
	}
}

// Regression (net/http's http2 server): a function called in a loop that
// keeps at most one goroutine running itself.
type conn struct {
	busy  bool
	table map[string]int
	done  chan bool
}

func (c *conn) write() {
	c.table["x"]++
	c.done <- true
}

func (c *conn) startWrite() {
	if c.busy {
		return
	}
	c.busy = true
	go c.write()
}

func (c *conn) serve() {
	for {
		c.startWrite()
		<-c.done
		c.busy = false
	}
}

// Regression (net/http's http2 server): two paths into the function that
// keeps one writer goroutine at a time.
func (c *conn) flush() { c.startWrite() }

func (c *conn) serve2() {
	c.startWrite()
	c.flush()
	<-c.done
}
