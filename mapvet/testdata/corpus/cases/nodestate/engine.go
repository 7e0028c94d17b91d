// Package nodestate is modeled on kraken's state engine: at debug level it
// logs every mutation with %+v of the node, whose extension map the
// mutation goroutines of other events write under the engine's lock. fmt
// walks the map without the lock; with many nodes mutating at once the
// process dies.
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
		go e.apply(m) // race: e mutation goroutines format and write the same node concurrently
	}
}

func (e *Engine) apply(m Mutation) {
	e.mu.Lock()
	n, ok := e.nodes[m.NodeID]
	e.mu.Unlock()
	if !ok {
		return
	}
	if e.logLevel >= 7 {
		log.Printf("applying mutation %s=%s to %+v", m.Key, m.Value, n) // race: e %+v walks n.Extensions without e.mu while other mutations write it
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	switch m.Key {
	case "RunState":
		n.RunState = m.Value
	case "PhysState":
		n.PhysState = m.Value
	default:
		n.Extensions[m.Key] = m.Value // race: e mutation goroutines write the map the debug log formats
	}
}
