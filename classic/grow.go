package classic

import "cmp"

// hashGrow starts a grow (it does not move any key). Over the load factor
// it doubles the bucket count; otherwise (too many overflow buckets) it
// allocates an array of the same size, so that evacuation packs the keys
// and drops the overflow buckets. An iterator on the current buckets now
// iterates old buckets, so the iterator flag becomes oldIterator.
func (m *Map[K, V]) hashGrow() {
	bigger := uint8(1)
	reason := "load factor: count+1 > 6.5*2^B"
	if !OverLoadFactor(m.count+1, m.b) {
		bigger = 0
		m.flags |= FlagSameSizeGrow
		reason = "too many overflow buckets: noverflow >= 2^min(B,15)"
	}
	oldB := m.b
	old := m.buckets
	nb, next := m.makeBucketArray(m.b+bigger, nil)

	flags := m.flags &^ (FlagIterator | FlagOldIterator)
	if m.flags&FlagIterator != 0 {
		flags |= FlagOldIterator
	}
	m.b += bigger
	m.flags = flags
	m.oldbuckets = old
	m.buckets = nb
	m.nevacuate = 0
	m.noverflow = 0

	if m.extra != nil && m.extra.overflow != nil {
		if m.extra.oldoverflow != nil {
			m.throw("oldoverflow is not nil", "invariant")
		}
		m.extra.oldoverflow = m.extra.overflow
		m.extra.overflow = nil
	}
	if next != nil {
		if m.extra == nil {
			m.extra = &mapextra[K, V]{}
		}
		m.extra.nextOverflow = next
	}
	e := ev(EvGrowStart)
	e.B, e.OldB, e.SameSize, e.Reason = m.b, oldB, bigger == 0, reason
	m.emit(e)
}

// growWork is the evacuation a write does while a grow is in progress:
// the old bucket the write's key maps to, then the oldest unevacuated one,
// so every write moves the evacuation mark forward.
func (m *Map[K, V]) growWork(idx uint64) {
	m.evacuate(idx & m.oldbucketmask())
	if m.Growing() {
		m.evacuate(m.nevacuate)
	}
}

// evacDst is where evacuation writes next: a bucket of the new array (or
// an overflow bucket chained to it) and a slot.
type evacDst[K cmp.Ordered, V any] struct {
	b     *bucket[K, V]
	i     int
	idx   uint64
	chain int
	n     int
}

// evacuate moves the keys of old bucket oldbucket (and its overflow chain)
// to the new array: to the same index (X) or, when doubling and the hash
// has the new bit set, to index+oldsize (Y). Each old slot is marked
// evacuatedX, evacuatedY or evacuatedEmpty; slot order within a
// destination is kept, which is what lets an iterator in the middle of a
// bucket continue correctly.
func (m *Map[K, V]) evacuate(oldbucket uint64) {
	b := m.oldbuckets.at(oldbucket)
	newbit := m.noldbuckets()
	if !evacuated(b) {
		var xy [2]evacDst[K, V]
		xy[0] = evacDst[K, V]{b: m.buckets.at(oldbucket), idx: oldbucket}
		same := m.flags&FlagSameSizeGrow != 0
		if !same {
			xy[1] = evacDst[K, V]{b: m.buckets.at(oldbucket + newbit), idx: oldbucket + newbit}
		}
		for ; b != nil; b = b.overflow {
			for i := 0; i < bucketCnt; i++ {
				top := b.tophash[i]
				if isEmpty(top) {
					b.tophash[i] = EvacuatedEmpty
					continue
				}
				if top < MinTopHash {
					m.throw("bad map state", "invariant")
				}
				k := b.keys[i]
				var useY uint8
				if !same {
					hash := m.hashOf(k)
					if m.flags&FlagIterator != 0 && k != k {
						// NaN: its hash is not repeatable, but an iterator
						// may already have decided where it goes from the
						// low bit of its tophash. Follow that bit and draw
						// a new tophash for the next level.
						useY = top & 1
						top = TopHash(hash)
					} else if hash&newbit != 0 {
						useY = 1
					}
				}
				b.tophash[i] = EvacuatedX + useY
				dst := &xy[useY]
				if dst.i == bucketCnt {
					dst.b = m.newoverflow(dst.b, false, dst.idx, dst.chain+1)
					dst.i = 0
					dst.chain++
				}
				dst.b.tophash[dst.i] = top
				dst.b.keys[dst.i] = k
				dst.b.elems[dst.i] = b.elems[i]
				dst.i++
				dst.n++
			}
		}
		// With pointers in the buckets and no iterator that may read the
		// old array, clear the old bucket's keys, elems and overflow link
		// for the garbage collector; the tophash marks stay.
		if m.flags&FlagOldIterator == 0 && m.hasPointers {
			ob := m.oldbuckets.at(oldbucket)
			var zk K
			var ze V
			for i := range ob.keys {
				ob.keys[i], ob.elems[i] = zk, ze
			}
			ob.overflow = nil
		}
		e := Event{Kind: EvEvacuate, Bucket: int(oldbucket), Old: true, Slot: -1, X: xy[0].n, Y: xy[1].n, SameSize: same}
		m.emit(e)
	}
	if oldbucket == m.nevacuate {
		m.advanceEvacuationMark(newbit)
	}
}

// advanceEvacuationMark moves nevacuate past the old buckets already
// evacuated (at most 1024 at a time) and ends the grow when it reaches the
// old bucket count.
func (m *Map[K, V]) advanceEvacuationMark(newbit uint64) {
	from := m.nevacuate
	m.nevacuate++
	stop := m.nevacuate + 1024
	if stop > newbit {
		stop = newbit
	}
	for m.nevacuate != stop && evacuated(m.oldbuckets.at(m.nevacuate)) {
		m.nevacuate++
	}
	e := ev(EvMarkAdvance)
	e.From, e.To = from, m.nevacuate
	m.emit(e)
	if m.nevacuate == newbit {
		m.oldbuckets = nil
		if m.extra != nil {
			m.extra.oldoverflow = nil
		}
		m.flags &^= FlagSameSizeGrow
		m.emit(ev(EvGrowDone))
	}
}
