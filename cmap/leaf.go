package cmap

import (
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// A leaf is one version of one slot of a Snapshot map's table: an
// immutable array of the entries whose keys hash to the slot. The entries
// live in the same allocation as the header (leafOf, in size classes of 1,
// 2, 4 and 8 entries), so that a Load reads one object, and a tag byte per
// entry finds the entry without a data-dependent loop: the 32-byte header
// and two int entries fit one cache line, four fit two.
//
//	leaf:  state n | gen | link | tags (byte i: tag of entry i) | entry 0 | entry 1 | ...
//
// Leaves of more than leafMax entries (about one slot in 4000 at the
// highest load factor) keep their entries in a slice (bigLeaf) and are
// searched linearly.
type leaf[K comparable, V any] struct {
	state atomic.Uint32 // committed, pending or aborted (see Snapshot.decide)
	n     uint8         // the number of entries, or bigN
	gen   uint64        // the generation in which this version was written
	// link is, while this version is pending or once it is aborted, the
	// version it replaces (nil: the slot was empty); once it is committed,
	// the newest version of an older generation that a live View may
	// still need (see Snapshot.older).
	link atomic.Pointer[leaf[K, V]]
	tags uint64 // byte i is tagOf(hash of entry i's key); 0 past the last entry
}

// leafOf is a leaf with room for its entries; A is [N]entry[K, V].
type leafOf[K comparable, V any, A any] struct {
	leaf[K, V]
	a A
}

type bigLeaf[K comparable, V any] struct {
	leaf[K, V]
	more []entry[K, V]
}

// bigN in node.n marks a bigLeaf.
const bigN = 0xff

// tagOf is the tag of a key whose hash is h: its top 7 bits (the table
// index uses the bottom ones), with the high bit set, so that no tag is 0.
func tagOf(h uint64) uint8 { return uint8(h>>57) | 0x80 }

// match returns a word with the high bit of byte i set where tags holds t
// (and possibly, rarely, in a byte above a match: callers compare keys).
// Bytes past the last entry are 0 and never match, as t has its high bit.
func match(tags uint64, t uint8) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	x := tags ^ (lo * uint64(t))
	return (x - lo) &^ x & hi
}

// entriesOffset is where a leafOf's entries start.
func entriesOffset[K comparable, V any]() uintptr {
	return unsafe.Offsetof((*leafOf[K, V, [1]entry[K, V]])(nil).a)
}

func (l *leaf[K, V]) entries() []entry[K, V] {
	if l.n == bigN {
		return (*bigLeaf[K, V])(unsafe.Pointer(l)).more
	}
	return unsafe.Slice((*entry[K, V])(unsafe.Add(unsafe.Pointer(l), entriesOffset[K, V]())), l.n)
}

// index returns the index of key in l, or -1.
func (l *leaf[K, V]) index(key K, tag uint8) int {
	if l.n == bigN {
		for i, e := range l.entries() {
			if e.key == key {
				return i
			}
		}
		return -1
	}
	base := unsafe.Add(unsafe.Pointer(l), entriesOffset[K, V]())
	for m := match(l.tags, tag); m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m) >> 3
		if (*entry[K, V])(unsafe.Add(base, uintptr(i)*unsafe.Sizeof(entry[K, V]{}))).key == key {
			return i
		}
	}
	return -1
}

// getBig returns the value of key in a bigLeaf.
func (l *leaf[K, V]) getBig(key K) (value V, ok bool) {
	for _, e := range l.entries() {
		if e.key == key {
			return e.value, true
		}
	}
	return value, false
}

// newLeaf returns a committed leaf of n entries, all zero, of generation
// 0; the caller fills in the rest before publishing it.
func newLeaf[K comparable, V any](n int) *leaf[K, V] {
	var l *leaf[K, V]
	switch {
	case n <= 1:
		l = &new(leafOf[K, V, [1]entry[K, V]]).leaf
	case n <= 2:
		l = &new(leafOf[K, V, [2]entry[K, V]]).leaf
	case n <= 4:
		l = &new(leafOf[K, V, [4]entry[K, V]]).leaf
	case n <= leafMax:
		l = &new(leafOf[K, V, [leafMax]entry[K, V]]).leaf
	default:
		b := &bigLeaf[K, V]{more: make([]entry[K, V], n)}
		b.n = bigN
		return &b.leaf
	}
	l.n = uint8(n)
	return l
}

// with returns a copy of l (nil: empty) with e added; h is e's hash.
func (l *leaf[K, V]) with(e entry[K, V], h uint64) *leaf[K, V] {
	var es []entry[K, V]
	var tags uint64
	if l != nil {
		es, tags = l.entries(), l.tags
	}
	nl := newLeaf[K, V](len(es) + 1)
	nes := nl.entries()
	copy(nes, es)
	nes[len(es)] = e
	if len(es) < leafMax {
		nl.tags = tags | uint64(tagOf(h))<<(8*len(es))
	}
	return nl
}

// withValue returns a copy of l with entry i's value set to v.
func (l *leaf[K, V]) withValue(i int, v V) *leaf[K, V] {
	es := l.entries()
	nl := newLeaf[K, V](len(es))
	nes := nl.entries()
	copy(nes, es)
	nes[i].value = v
	nl.tags = l.tags
	return nl
}

// without returns a copy of l without entry i; hash is the map's hash,
// for the tags of a bigLeaf that becomes small.
func (l *leaf[K, V]) without(i int, hash func(K) uint64) *leaf[K, V] {
	es := l.entries()
	nl := newLeaf[K, V](len(es) - 1)
	nes := nl.entries()
	copy(nes, es[:i])
	copy(nes[i:], es[i+1:])
	switch {
	case l.n != bigN:
		below := uint64(1)<<(8*i) - 1
		nl.tags = l.tags&below | l.tags>>8&^below
	case nl.n != bigN:
		for j, e := range nes {
			nl.tags |= uint64(tagOf(hash(e.key))) << (8 * j)
		}
	}
	return nl
}
