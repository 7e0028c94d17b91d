// Package raftsnapshot is the fixed twin of cases/raftsnapshot: GetAll
// returns a deep copy made under the read lock.
//
// Report: https://github.com/wind-c/comqtt/issues/126
package raftsnapshot

import (
	"encoding/gob"
	"encoding/json"
	"io"
	"sync"
)

// KV is the cluster's subscription table: filter -> node -> present.
type KV struct {
	sync.RWMutex
	data map[string]map[string]struct{}
}

// NewKV returns an empty table.
func NewKV() *KV { return &KV{data: make(map[string]map[string]struct{})} }

// Add records that node subscribes to filter.
func (k *KV) Add(filter, node string) {
	k.Lock()
	defer k.Unlock()
	if k.data[filter] == nil {
		k.data[filter] = make(map[string]struct{})
	}
	k.data[filter][node] = struct{}{}
}

// Del removes node's subscription to filter.
func (k *KV) Del(filter, node string) {
	k.Lock()
	defer k.Unlock()
	delete(k.data[filter], node)
	if len(k.data[filter]) == 0 {
		delete(k.data, filter)
	}
}

// GetAll returns the whole table.
func (k *KV) GetAll() map[string]map[string]struct{} {
	k.RLock()
	defer k.RUnlock()
	cp := make(map[string]map[string]struct{}, len(k.data))
	for filter, nodes := range k.data {
		cp[filter] = make(map[string]struct{}, len(nodes))
		for node := range nodes {
			cp[filter][node] = struct{}{}
		}
	}
	return cp
}

// Command is a replicated log entry.
type Command struct {
	Op     string `json:"op"`
	Filter string `json:"filter"`
	Node   string `json:"node"`
}

// Fsm is the raft finite state machine.
type Fsm struct {
	kv *KV
}

// NewFsm returns a state machine over an empty table.
func NewFsm() *Fsm { return &Fsm{kv: NewKV()} }

// Apply applies a committed log entry; raft calls it from its apply loop.
func (f *Fsm) Apply(data []byte) error {
	var c Command
	if err := json.Unmarshal(data, &c); err != nil {
		return err
	}
	switch c.Op {
	case "sub":
		f.kv.Add(c.Filter, c.Node)
	case "unsub":
		f.kv.Del(c.Filter, c.Node)
	}
	return nil
}

// Snapshot starts persisting the state, as raft's snapshot goroutine does.
func (f *Fsm) Snapshot(sink io.WriteCloser) <-chan error {
	done := make(chan error, 1)
	go func() {
		done <- f.Persist(sink)
	}()
	return done
}

// Persist writes the table to sink.
func (f *Fsm) Persist(sink io.WriteCloser) error {
	if err := gob.NewEncoder(sink).Encode(f.kv.GetAll()); err != nil {
		return err
	}
	return sink.Close()
}
