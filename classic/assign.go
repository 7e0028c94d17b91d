package classic

// Insert is m[key] = elem (mapassign). It first finishes the evacuation of
// key's old bucket if a grow is in progress, then looks for key in its
// bucket chain, remembering the first empty slot. A missing key may start a
// grow (then the search starts over in the new array) or need a new
// overflow bucket.
func (m *Map[K, V]) Insert(key K, elem V) {
	m.ops++
	if m.flags&FlagHashWriting != 0 {
		m.throw("concurrent map writes", "entry check")
	}
	hash := m.hashOf(key)
	m.opStart("assign", key)
	m.flags ^= FlagHashWriting
	m.writing("assign", key)

	if m.buckets == nil {
		// The first bucket of a map made without a hint (newobject).
		m.arrays++
		a := &bucketArray[K, V]{b: make([]bucket[K, V], 1), base: 1, id: m.arrays}
		a.b[0].arr = a
		m.buckets = a
	}

again:
	idx := hash & bucketMask(m.b)
	if m.Growing() {
		m.growWork(idx)
	}
	b := m.buckets.at(idx)
	top := TopHash(hash)

	var ins *bucket[K, V]
	insSlot, insChain, chain := -1, 0, 0
search:
	for {
		for i := 0; i < bucketCnt; i++ {
			if b.tophash[i] != top {
				if isEmpty(b.tophash[i]) && ins == nil {
					ins, insSlot, insChain = b, i, chain
				}
				if b.tophash[i] == EmptyRest {
					break search
				}
				continue
			}
			if b.keys[i] != key {
				continue
			}
			// The key is present: store the key too (needkeyupdate: +0
			// replaces -0, a string key's storage is replaced).
			b.keys[i] = key
			b.elems[i] = elem
			m.emit(Event{Kind: EvUpdate, Key: key, Elem: elem, Bucket: int(idx), Chain: chain, Slot: i, TopHash: top, Hash: hash})
			m.opEnd("assign", key)
			return
		}
		if b.overflow == nil {
			break
		}
		b = b.overflow
		chain++
	}

	// A new key. Grow first if the map is over the load factor or holds
	// too many overflow buckets, unless a grow is already in progress.
	if !m.Growing() && (OverLoadFactor(m.count+1, m.b) || TooManyOverflowBuckets(m.noverflow, m.b)) {
		m.hashGrow()
		goto again
	}
	if ins == nil {
		ins = m.newoverflow(b, false, idx, chain+1)
		insSlot, insChain = 0, chain+1
	}
	ins.keys[insSlot] = key
	ins.elems[insSlot] = elem
	ins.tophash[insSlot] = top
	m.count++
	m.emit(Event{Kind: EvInsert, Key: key, Elem: elem, Bucket: int(idx), Chain: insChain, Slot: insSlot, TopHash: top, Hash: hash})
	m.opEnd("assign", key)
}

// opStart reports that a write passed its entry check. Between this event
// and the next the flag is still clear: a second writer that passes its
// own check here makes both toggle hashWriting, which is how the runtime's
// exit check ("concurrent map writes") catches it.
func (m *Map[K, V]) opStart(op string, key any) {
	e := ev(EvOpStart)
	e.Reason, e.Key = op, key
	m.emit(e)
}

func (m *Map[K, V]) writing(op string, key any) {
	e := ev(EvWriting)
	e.Reason, e.Key = op, key
	m.emit(e)
}

// opEnd is the exit check of a write: hashWriting must still be set (a
// second writer would have toggled it off), then it is cleared.
func (m *Map[K, V]) opEnd(op string, key any) {
	if m.flags&FlagHashWriting == 0 {
		m.throw("concurrent map writes", "exit check")
	}
	m.flags &^= FlagHashWriting
	e := ev(EvOpEnd)
	e.Reason, e.Key = op, key
	m.emit(e)
}
