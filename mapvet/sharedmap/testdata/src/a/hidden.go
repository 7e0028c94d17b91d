package a

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"sync"
)

// Printing or encoding a value that holds a map reads the map
// (containerd/containerd#7797: %v of a value whose map other goroutines
// write).
type forwarder struct {
	mu      sync.Mutex
	streams map[int]string
	name    string
}

func (f *forwarder) add(id int) {
	f.mu.Lock()
	f.streams[id] = "open"
	f.mu.Unlock()
}

func logState(f *forwarder) {
	go f.add(1)
	log.Printf("forwarder: %+v", f) // want `printing f.streams with log.Printf may run while the goroutine started at hidden.go:27 writes it`
}

// Through an interface whose dynamic type is known here.
func describe(f *forwarder) string {
	go f.add(2)
	var v any = f
	return fmt.Sprint(v) // want `printing f.streams with fmt.Sprint may run while the goroutine started at hidden.go:33 writes it`
}

type Config struct {
	mu     sync.Mutex
	Labels map[string]string
	secret map[string]string
}

func (c *Config) set(k, v string) {
	c.mu.Lock()
	c.Labels[k] = v
	c.secret[k] = v
	c.mu.Unlock()
}

func dump(c *Config) {
	go c.set("a", "b")
	json.NewEncoder(os.Stdout).Encode(c) // want `encoding c.Labels with json.Encoder.Encode may run while the goroutine started at hidden.go:52 writes it`
}

// A type that prints itself is not walked; nor is a value printed under
// the lock the writer holds.
type named struct {
	mu sync.Mutex
	m  map[string]int
}

func (n *named) String() string { return "named" }

func (n *named) put() {
	n.mu.Lock()
	n.m["x"]++
	n.mu.Unlock()
}

func logNamed(n *named, f *forwarder) {
	go n.put()
	log.Print(n)
	go f.add(3)
	f.mu.Lock()
	log.Printf("%v", f)
	f.mu.Unlock()
}

// %T and %p print a value's type and address, not its fields.
func describeType(f *forwarder) error {
	go f.add(4)
	return fmt.Errorf("%T at %p is closed", f, f)
}
