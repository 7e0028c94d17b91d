package classic

import "cmp"

// Iter is a map iterator (hiter). It walks the bucket array it saw at
// start, from a random bucket and a random slot offset, wrapping around.
// Two rules make it survive a grow:
//
//   - started during a doubling grow (its B is the new B), it reads an old
//     bucket that has not been evacuated yet instead of the empty new one,
//     returning only the keys that will land in the new bucket it is at
//     (checkBucket);
//   - a key it finds marked evacuated in its own array is looked up again
//     in the current map, so a deleted key is skipped and an updated elem
//     is returned.
//
// Deleted keys are never returned; inserted ones may or may not be.
type Iter[K cmp.Ordered, V any] struct {
	m  *Map[K, V]
	id int
	ok bool

	key  K
	elem V

	// hiter fields
	buckets     *bucketArray[K, V] // the map's buckets when the iterator started
	bptr        *bucket[K, V]      // current bucket, nil between buckets
	overflow    *[]*bucket[K, V]
	oldoverflow *[]*bucket[K, V]
	startBucket uint64
	offset      uint8
	wrapped     bool
	b           uint8
	i           uint8
	bucket      uint64
	checkBucket uint64

	// where bptr is, for events and Cursor
	curArr   *bucketArray[K, V]
	curIdx   uint64
	curChain int
	curSlot  int
}

// Iter starts an iteration (mapiterinit) and moves to the first key, as a
// for-range statement does. On an empty map the iterator is done at once.
func (m *Map[K, V]) Iter() *Iter[K, V] {
	m.ops++
	m.iters++
	it := &Iter[K, V]{m: m, id: m.iters, curSlot: -1}
	if m.count == 0 {
		return it
	}
	it.b = m.b
	it.buckets = m.buckets
	if !m.hasPointers {
		// Keep the overflow buckets alive even if the map grows.
		m.createOverflow()
		it.overflow = m.extra.overflow
		it.oldoverflow = m.extra.oldoverflow
	}
	r := uint64(m.rand())
	if m.b > 31-bucketCntBits {
		r += uint64(m.rand()) << 31
	}
	it.startBucket = r & bucketMask(m.b)
	it.offset = uint8(r >> m.b & (bucketCnt - 1))
	it.bucket = it.startBucket
	if m.flags&(FlagIterator|FlagOldIterator) != FlagIterator|FlagOldIterator {
		m.flags |= FlagIterator | FlagOldIterator
	}
	it.ok = true
	e := ev(EvIterInit)
	e.Iter, e.StartB, e.Offset, e.B = it.id, it.startBucket, it.offset, it.b
	m.emit(e)
	it.next()
	return it
}

// Ok reports whether the iterator holds a key (the for-range condition).
func (it *Iter[K, V]) Ok() bool { return it.ok }

// Key and Elem are the current key and elem.
func (it *Iter[K, V]) Key() K  { return it.key }
func (it *Iter[K, V]) Elem() V { return it.elem }

// ID numbers the map's iterators from 1.
func (it *Iter[K, V]) ID() int { return it.id }

// Next moves to the next key (mapiternext) and reports whether there is
// one. It is the only place an iterator checks hashWriting.
func (it *Iter[K, V]) Next() bool {
	if !it.ok {
		return false
	}
	it.m.ops++
	it.next()
	return it.ok
}

func (it *Iter[K, V]) next() {
	m := it.m
	if m.flags&FlagHashWriting != 0 {
		m.throw("concurrent map iteration and map write", "iterator check")
	}
	e := ev(EvIterCheck)
	e.Iter = it.id
	m.emit(e)

	bucket := it.bucket
	b := it.bptr
	i := it.i
	checkBucket := it.checkBucket
	for {
		if b == nil {
			if bucket == it.startBucket && it.wrapped {
				// Like the runtime, keep bucket, i and bptr as they were.
				it.ok = false
				it.curSlot = -1
				var zk K
				var ze V
				it.key, it.elem = zk, ze
				e := ev(EvIterEnd)
				e.Iter = it.id
				m.emit(e)
				return
			}
			if m.Growing() && it.b == m.b {
				// Started during this grow: read the old bucket while it
				// has not been evacuated.
				oldbucket := bucket & m.oldbucketmask()
				b = m.oldbuckets.at(oldbucket)
				if !evacuated(b) {
					checkBucket = bucket
					it.curArr, it.curIdx = m.oldbuckets, oldbucket
				} else {
					b = it.buckets.at(bucket)
					checkBucket = noCheck
					it.curArr, it.curIdx = it.buckets, bucket
				}
			} else {
				b = it.buckets.at(bucket)
				checkBucket = noCheck
				it.curArr, it.curIdx = it.buckets, bucket
			}
			it.curChain = 0
			it.emitBucket(checkBucket)
			bucket++
			if bucket == bucketShift(it.b) {
				bucket = 0
				it.wrapped = true
			}
			i = 0
		}
		for ; i < bucketCnt; i++ {
			offi := (i + it.offset) & (bucketCnt - 1)
			top := b.tophash[offi]
			if isEmpty(top) || top == EvacuatedEmpty {
				continue
			}
			k := b.keys[offi]
			el := b.elems[offi]
			if checkBucket != noCheck && m.flags&FlagSameSizeGrow == 0 {
				// An unevacuated old bucket splits into two new ones;
				// return only the keys of the one being walked.
				skip := false
				if k == k {
					skip = m.hashOf(k)&bucketMask(it.b) != checkBucket
				} else {
					skip = checkBucket>>(it.b-1) != uint64(top&1)
				}
				if skip {
					e := it.at(EvIterSkip, int(offi))
					e.Key, e.Check = k, checkBucket
					m.emit(e)
					continue
				}
			}
			if (top != EvacuatedX && top != EvacuatedY) || k != k {
				it.key, it.elem = k, el
			} else {
				// Moved by a grow since the iterator started: the current
				// map has the golden copy, if the key is still there.
				fb, fi := m.find(k)
				e := it.at(EvIterRelookup, int(offi))
				e.Key, e.Found = k, fb != nil
				m.emit(e)
				if fb == nil {
					continue
				}
				it.key, it.elem = fb.keys[fi], fb.elems[fi]
			}
			it.bucket = bucket
			it.bptr = b
			it.i = i + 1
			it.checkBucket = checkBucket
			it.curSlot = int(offi)
			e := it.at(EvIterReturn, int(offi))
			e.Key, e.Elem, e.Check = it.key, it.elem, checkBucket
			m.emit(e)
			return
		}
		b = b.overflow
		i = 0
		if b != nil {
			it.curChain++
			it.emitBucket(checkBucket)
		}
	}
}

func (it *Iter[K, V]) at(kind EventKind, slot int) Event {
	return Event{Kind: kind, Iter: it.id, Bucket: int(it.curIdx), Chain: it.curChain, Slot: slot,
		Old: it.curArr != nil && it.curArr == it.m.oldbuckets, Stale: it.stale()}
}

func (it *Iter[K, V]) emitBucket(check uint64) {
	e := it.at(EvIterBucket, -1)
	e.Check = check
	it.m.emit(e)
}

// Cursor says where an iterator is, for displays and tests.
type Cursor struct {
	Iter        int    `json:"iter"`
	Done        bool   `json:"done"`
	Array       string `json:"array"` // "buckets", "oldbuckets", or "stale": an array the map no longer uses
	Bucket      uint64 `json:"bucket"`
	Chain       int    `json:"chain"`
	Slot        int    `json:"slot"` // slot of the key last returned, -1 if none
	StartBucket uint64 `json:"startBucket"`
	Offset      uint8  `json:"offset"`
	Wrapped     bool   `json:"wrapped"`
	B           uint8  `json:"B"`
	NextBucket  uint64 `json:"nextBucket"`  // hiter.bucket: the next bucket to start
	I           uint8  `json:"i"`           // hiter.i: the next slot (before the offset) in the current bucket
	CheckBucket int64  `json:"checkBucket"` // -1 for noCheck
}

// stale reports whether the iterator's cursor is in a bucket array the map
// no longer uses.
func (it *Iter[K, V]) stale() bool {
	return it.curArr != nil && it.curArr != it.m.buckets && it.curArr != it.m.oldbuckets
}

// StaleArray returns the bucket array the iterator's cursor is in when the
// map no longer uses it (Cursor.Array "stale"), as State returns arrays;
// nil otherwise. Go 1.18's mapclear drops the old array of a grow in
// progress without marking it, and an iterator reading it goes on
// returning the keys the clear removed: this is that array.
func (it *Iter[K, V]) StaleArray() []Chain {
	if !it.stale() {
		return nil
	}
	return chains(it.curArr)
}

// Cursor returns the iterator's position.
func (it *Iter[K, V]) Cursor() Cursor {
	c := Cursor{Iter: it.id, Done: !it.ok, Bucket: it.curIdx, Chain: it.curChain, Slot: it.curSlot,
		StartBucket: it.startBucket, Offset: it.offset, Wrapped: it.wrapped, B: it.b, NextBucket: it.bucket, I: it.i, CheckBucket: -1}
	if it.checkBucket != noCheck {
		c.CheckBucket = int64(it.checkBucket)
	}
	switch {
	case it.curArr == nil:
		c.Array = ""
	case it.curArr == it.m.buckets:
		c.Array = "buckets"
	case it.curArr == it.m.oldbuckets:
		c.Array = "oldbuckets"
	default:
		c.Array = "stale"
	}
	return c
}
