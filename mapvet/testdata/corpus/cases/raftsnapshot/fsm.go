// Package raftsnapshot is modeled on comqtt's raft state machine: Persist
// gob-encodes the subscription table that GetAll returns, the map itself,
// after GetAll's read lock is released, while Apply on the raft goroutine
// keeps adding and removing subscriptions under the lock. gob iterates the
// map with reflect.
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
	return k.data // race: e returns the table itself; Persist gob-encodes it after the lock is released
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
	go func() { // race: e the snapshot goroutine encodes the live table
		done <- f.Persist(sink) // race: e Persist gob-encodes the live table
	}()
	return done
}

// Persist writes the table to sink.
func (f *Fsm) Persist(sink io.WriteCloser) error {
	if err := gob.NewEncoder(sink).Encode(f.kv.GetAll()); err != nil { // race: e gob iterates the table while Apply writes it
		return err
	}
	return sink.Close()
}
