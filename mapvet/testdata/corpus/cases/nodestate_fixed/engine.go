// Package nodestate is the fixed twin of cases/nodestate: the debug
// message is formatted under the engine's lock.
//
// Report: https://github.com/kraken-hpc/kraken/issues/11
package nodestate

import (
	"log"
	"sync"
)

// Node is the state of one machine.
type Node struct {
	ID         string
	RunState   string
	PhysState  string
	Extensions map[string]string
}

// Mutation changes one field of a node.
type Mutation struct {
	NodeID string
	Key    string
	Value  string
}

// Engine applies mutations to the node table.
type Engine struct {
	mu       sync.Mutex
	nodes    map[string]*Node
	logLevel int
}

// NewEngine returns an engine over nodes.
func NewEngine(nodes []*Node, logLevel int) *Engine {
	e := &Engine{nodes: make(map[string]*Node), logLevel: logLevel}
	for _, n := range nodes {
		e.nodes[n.ID] = n
	}
	return e
}

// Run applies mutations as they arrive, each on its own goroutine.
func (e *Engine) Run(mutations <-chan Mutation) {
	for m := range mutations {
		go e.apply(m)
	}
}

func (e *Engine) apply(m Mutation) {
	e.mu.Lock()
	n, ok := e.nodes[m.NodeID]
	e.mu.Unlock()
	if !ok {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.logLevel >= 7 {
		log.Printf("applying mutation %s=%s to %+v", m.Key, m.Value, n)
	}
	switch m.Key {
	case "RunState":
		n.RunState = m.Value
	case "PhysState":
		n.PhysState = m.Value
	default:
		n.Extensions[m.Key] = m.Value
	}
}
