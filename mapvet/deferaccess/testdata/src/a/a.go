package a

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// The article's reproducer: a deferred range, and a goroutine started
// after it that writes the map.
func article() {
	m := make(map[int]int)
	for i := 0; i < 65536; i++ {
		m[i] = i
	}
	defer func() {
		for range m { // want `range over m in deferred func may run while the goroutine started at a.go:23 writes it at a.go:25 \(fatal error: concurrent map iteration and map write\)`
			break
		}
	}()
	go func() {
		time.Sleep(time.Microsecond)
		m[65537] = 65537
	}()
}

func deferredRead(k string) {
	stats := map[string]int{}
	defer func() {
		fmt.Println(stats[k]) // want `read of stats in deferred func may run while the goroutine started at a.go:34 writes it at a.go:34 \(fatal error: concurrent map read and map write\)`
	}()
	go func() { stats[k]++ }()
}

func fill(dst map[string]int) {
	dst["x"] = 1
}

func namedWorker() {
	m := map[string]int{}
	defer func() {
		for k := range m { // want `range over m in deferred func may run while the goroutine started at a.go:48 writes it at a.go:38`
			_ = k
		}
	}()
	go fill(m)
}

// A deferred Wait registered before the deferred range runs after it.
func waitTooEarly() {
	var wg sync.WaitGroup
	m := map[int]bool{}
	defer wg.Wait()
	defer func() {
		for range m { // want `range over m in deferred func may run while the goroutine started at a.go:61`
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		m[1] = true
	}()
}

func afterFunc() {
	seen := map[string]bool{}
	defer func() {
		for range seen { // want `range over seen in deferred func may run while the time.AfterFunc callback registered at a.go:73 writes it at a.go:73`
		}
	}()
	time.AfterFunc(time.Millisecond, func() { seen["x"] = true })
}

func errgroupNoWait() {
	var g errgroup.Group
	m := map[int]int{}
	defer func() {
		_ = len(m)
		for range m { // want `range over m in deferred func may run while the errgroup.Group.Go goroutine started at a.go:84 writes it at a.go:84`
		}
	}()
	g.Go(func() error { m[1] = 1; return nil })
}

type Server struct {
	mu    sync.Mutex
	conns map[string]int
}

func (s *Server) Add(name string) {
	s.mu.Lock()
	s.conns[name]++
	s.mu.Unlock()
}

func (s *Server) Remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, name)
}

// The deferred range runs after the body's Unlock.
func (s *Server) Report() {
	defer func() {
		for name := range s.conns { // want `range over s.conns in deferred func runs without s.mu, which guards it \(held at a.go:94\)`
			_ = name
		}
	}()
	s.mu.Lock()
	s.conns["report"]++
	s.mu.Unlock()
}

type Cache struct{ items map[string]int }

func (c *Cache) dump() {
	for name := range c.items {
		_ = name
	}
}

func (c *Cache) spawnAndDump() {
	defer c.dump() // want `range over c.items in deferred call to c.dump may run while the goroutine started at a.go:126 writes it at a.go:126`
	go func() { c.items["x"] = 1 }()
}
