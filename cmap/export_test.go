package cmap

import "unsafe"

// breakGCAS makes m commit every proposal without checking its generation:
// the bug GCAS exists to prevent, so that the linearizability tests can
// show they catch it.
// It also yields, as yieldInWrite does.
func (m *Snapshot[K, V]) breakGCAS() { m.skipGenCheck, m.yieldInWrite = true, true }

// yieldInWrite makes every write of m yield between reading the slot it
// replaces and proposing the replacement, so that concurrent Snapshots and
// writes land in that window more often than they would.
func (m *Snapshot[K, V]) yieldInWrites() { m.yieldInWrite = true }

func unsafeSizeofShard() uintptr { return unsafe.Sizeof(shard[int, int]{}) }
