package classic

import "cmp"

// Delete is delete(m, key) (mapdelete). On an empty map it does nothing at
// all, not even the concurrent-write check or grow work. Otherwise it
// evacuates as a write does, marks the slot emptyOne and, when nothing
// live follows, turns the trailing run of empty slots into emptyRest so
// that lookups stop early. Deleting the last key reseeds hash0.
func (m *Map[K, V]) Delete(key K) {
	m.ops++
	if m.count == 0 {
		return
	}
	if m.flags&FlagHashWriting != 0 {
		m.throw("concurrent map writes", "entry check")
	}
	hash := m.hashOf(key)
	m.opStart("delete", key)
	m.flags ^= FlagHashWriting
	m.writing("delete", key)

	idx := hash & bucketMask(m.b)
	if m.Growing() {
		m.growWork(idx)
	}
	b := m.buckets.at(idx)
	orig := b
	top := TopHash(hash)
	chain := 0
	found := false
search:
	for ; b != nil; b, chain = b.overflow, chain+1 {
		for i := 0; i < bucketCnt; i++ {
			if b.tophash[i] != top {
				if b.tophash[i] == EmptyRest {
					break search
				}
				continue
			}
			if b.keys[i] != key {
				continue
			}
			if m.hasPointers {
				var zk K
				b.keys[i] = zk
			}
			var ze V
			b.elems[i] = ze
			b.tophash[i] = EmptyOne
			e := Event{Kind: EvDelete, Key: key, Bucket: int(idx), Chain: chain, Slot: i, TopHash: top, Hash: hash}
			e.Rest = m.markEmptyRest(orig, b, i)
			m.count--
			found = true
			m.emit(e)
			if m.count == 0 {
				m.hash0 = m.rand()
				s := ev(EvSeed)
				s.Reason = "last key deleted"
				m.emit(s)
			}
			break search
		}
	}
	if !found {
		e := ev(EvDeleteMiss)
		e.Key = key
		m.emit(e)
	}
	m.opEnd("delete", key)
}

// markEmptyRest turns slot i of b, just made emptyOne, and the emptyOne
// slots before it (back through the chain starting at orig) into emptyRest,
// provided nothing live follows slot i. It returns how many slots changed.
func (m *Map[K, V]) markEmptyRest(orig, b *bucket[K, V], i int) int {
	if i == bucketCnt-1 {
		if b.overflow != nil && b.overflow.tophash[0] != EmptyRest {
			return 0
		}
	} else if b.tophash[i+1] != EmptyRest {
		return 0
	}
	n := 0
	for {
		b.tophash[i] = EmptyRest
		n++
		if i == 0 {
			if b == orig {
				return n
			}
			// Continue at the last slot of the previous bucket.
			c := b
			for b = orig; b.overflow != c; b = b.overflow {
			}
			i = bucketCnt - 1
		} else {
			i--
		}
		if b.tophash[i] != EmptyOne {
			return n
		}
	}
}

// markEmpty sets every tophash of the array's buckets and their overflow
// chains to emptyRest (Go 1.21's mapclear).
func markEmpty[K cmp.Ordered, V any](a *bucketArray[K, V]) {
	for i := 0; i < a.base; i++ {
		for b := &a.b[i]; b != nil; b = b.overflow {
			b.tophash = [bucketCnt]uint8{}
		}
	}
}

// Clear is clear(m), and what the compiler makes of
// "for k := range m { delete(m, k) }" (mapclear). It abandons a grow in
// progress, keeps B and the bucket array (zeroed, preallocated overflow
// buckets made available again) and reseeds hash0. An empty map is left
// alone entirely.
func (m *Map[K, V]) Clear() {
	m.ops++
	if m.count == 0 {
		return
	}
	if m.flags&FlagHashWriting != 0 {
		m.throw("concurrent map writes", "entry check")
	}
	m.opStart("clear", nil)
	m.flags ^= FlagHashWriting
	m.writing("clear", nil)

	if m.clearMarks {
		markEmpty(m.buckets)
		if m.oldbuckets != nil {
			markEmpty(m.oldbuckets)
		}
	}
	m.flags &^= FlagSameSizeGrow
	m.oldbuckets = nil
	m.nevacuate = 0
	m.noverflow = 0
	m.count = 0
	m.hash0 = m.rand()
	if m.extra != nil {
		*m.extra = mapextra[K, V]{}
	}
	if _, next := m.makeBucketArray(m.b, m.buckets); next != nil {
		if m.extra == nil {
			m.extra = &mapextra[K, V]{}
		}
		m.extra.nextOverflow = next
	}
	m.emit(ev(EvClear))
	s := ev(EvSeed)
	s.Reason = "clear"
	m.emit(s)
	m.opEnd("clear", nil)
}
