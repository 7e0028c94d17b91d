// Package cmap provides concurrent maps: maps that any number of goroutines
// may read and write at once without a lock of their own, and whose
// iteration means something while they do.
//
// Three maps share one API and differ in what they cost:
//
//	            Load          Store (existing key)  Range / All              Snapshot()
//	Locked      RLock + map   Lock + map, 0 allocs  O(n) copy, consistent    -
//	Sharded     Lock + map    Lock + map, 0 allocs  O(n) copy, consistent    -
//	Snapshot    lock-free     lock-free, 1 alloc    O(1) snapshot, then walk O(1), read-only view
//
// Every Range and All of every map here iterates a consistent, point-in-time
// view: the keys and values the map held at one instant during the call, each
// key once. Locked and Sharded pay for that with an O(n) copy under their
// locks (writers wait for the copy, never for the loop body); Snapshot pays
// nothing up front, because its structure is persistent (see snapshot.go).
// The loop body may call any method of the map: it sees the view, not the
// writes it makes.
//
// Which map to use is measured in docs/cmap-bench.md; in short: Snapshot when
// you iterate or take snapshots while others write, and for read-mostly
// maps; Sharded for write-heavy maps that several goroutines write at once;
// Locked (or a plain map with a sync.Mutex) when one goroutine does nearly
// all the work.
//
// # Common rules
//
// The zero value of each map is an empty map ready to use, as with sync.Map,
// and a map must not be copied after first use (go vet's copylocks check
// reports copies). Calling a method on a nil pointer panics with a message
// naming the type and the method.
//
// CompareAndSwap and CompareAndDelete compare values with ==. If V is not a
// comparable type (a slice, a map, a func, or a struct holding one), or V is an
// interface type and the values compared hold such a type, they panic with a
// message naming the type, as sync.Map does.
//
// Compute updates one key atomically through a function. Locked and Sharded
// call the function once, holding the key's lock: it must not call the map.
// Snapshot calls it without a lock and calls it again if another write to
// the same part of the map won the race, so it must have no side effects.
package cmap

import (
	"fmt"
	"reflect"
)

// ComputeOp is what a Compute function asks the map to do with the key.
type ComputeOp int

const (
	// CancelOp leaves the map as it was: the key keeps its old value, or
	// stays absent.
	CancelOp ComputeOp = iota
	// UpdateOp stores the returned value, adding the key if it was absent.
	UpdateOp
	// DeleteOp deletes the key (nothing happens if it was absent).
	DeleteOp
)

// Option configures a map at construction.
type Option func(*config)

type config struct {
	sizeHint int
	shards   int
}

// WithSizeHint tells the map how many entries it should expect to hold, so
// that it allocates room for them up front. It is only a hint.
func WithSizeHint(n int) Option { return func(c *config) { c.sizeHint = n } }

// WithShards sets the number of shards of a Sharded map (rounded up to a
// power of two, at most 1<<16). Other maps ignore it.
func WithShards(n int) Option { return func(c *config) { c.shards = n } }

func configure(opts []Option) config {
	var c config
	for _, o := range opts {
		o(&c)
	}
	return c
}

// mustCompare panics, with a message naming method and the type, where ==
// is not defined for old: V is not comparable, or V is an interface type
// and old holds a type that is not. It runs before the key is looked up,
// so misuse panics whether or not the key is present.
func mustCompare[V any](method string, old V) {
	t := reflect.TypeFor[V]()
	if !t.Comparable() {
		panic(fmt.Sprintf("cmap: %s of a value of type %v, which is not comparable", method, t))
	}
	if t.Kind() == reflect.Interface {
		if dt := reflect.TypeOf(any(old)); dt != nil && !dt.Comparable() {
			panic(fmt.Sprintf("cmap: %s of a value of type %v, which is not comparable", method, dt))
		}
	}
}

// equal is == on two values of type V (mustCompare has checked old).
func equal[V any](cur, old V) bool { return any(cur) == any(old) }

// nilReceiver panics for a method called on a nil map. It is not inlined,
// so that the message's concatenation stays out of the callers' fast paths.
//
//go:noinline
func nilReceiver(typ, method string) {
	panic("cmap: " + method + " called on a nil *" + typ)
}
