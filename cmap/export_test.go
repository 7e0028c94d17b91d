package cmap

import "unsafe"

// breakGCAS makes m commit every proposal without checking its generation:
// the bug GCAS exists to prevent, so that the linearizability tests can
// show they catch it.
func (m *Snapshot[K, V]) breakGCAS() { m.skipGenCheck = true }

func unsafeSizeofShard() uintptr { return unsafe.Sizeof(shard[int, int]{}) }
