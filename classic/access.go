package classic

import "cmp"

// Lookup is v, ok := m[key] (mapaccess2). A read checks hashWriting once,
// at entry; it never moves keys, even during a grow: it reads the old
// bucket when that has not been evacuated yet.
func (m *Map[K, V]) Lookup(key K) (V, bool) {
	m.ops++
	var zero V
	if m.count == 0 {
		return zero, false
	}
	if m.flags&FlagHashWriting != 0 {
		m.throw("concurrent map read and map write", "read check")
	}
	e := ev(EvLookup)
	e.Key = key
	m.emit(e)
	b, i := m.find(key)
	if b == nil {
		return zero, false
	}
	return b.elems[i], true
}

// find locates key without any check (mapaccessK, used by the iterator).
func (m *Map[K, V]) find(key K) (*bucket[K, V], int) {
	if m.count == 0 {
		return nil, 0
	}
	hash := m.hashOf(key)
	mask := bucketMask(m.b)
	b := m.buckets.at(hash & mask)
	if m.oldbuckets != nil {
		if m.flags&FlagSameSizeGrow == 0 {
			mask >>= 1 // the old array has half as many buckets
		}
		if ob := m.oldbuckets.at(hash & mask); !evacuated(ob) {
			b = ob
		}
	}
	top := TopHash(hash)
	for ; b != nil; b = b.overflow {
		for i := 0; i < bucketCnt; i++ {
			if b.tophash[i] != top {
				if b.tophash[i] == EmptyRest {
					return nil, 0
				}
				continue
			}
			if b.keys[i] == key {
				return b, i
			}
		}
	}
	return nil, 0
}

// evacuated reports whether b's keys have been moved to the new array: its
// first slot holds one of the evacuation marks.
func evacuated[K cmp.Ordered, V any](b *bucket[K, V]) bool {
	h := b.tophash[0]
	return h > EmptyOne && h < MinTopHash
}
