package classic

// Constants of the classic map, as in libgo/go/runtime/map.go of GCC 12
// (the Go 1.18 runtime) and src/runtime/map.go of Go 1.18 .. 1.23. The
// values are identical in all of those releases. They are checked against
// a real classic map by classic/verify, whose tests drive gccgo's map and
// this model side by side.
const (
	bucketCntBits = 3
	bucketCnt     = 1 << bucketCntBits // key/elem slots per bucket

	// The load factor 6.5 as an integer fraction, as the runtime keeps it.
	loadFactorNum = 13
	loadFactorDen = 2

	// Keys and elems larger than this are stored indirectly (a pointer in
	// the slot). The model stores values directly; the constant only
	// enters the bucket size computation (see Config).
	maxKeySize  = 128
	maxElemSize = 128

	ptrSize = 8 // the model is of a 64-bit platform (amd64, arm64)

	// maxAlloc is the largest allocation the runtime attempts on linux/amd64
	// (1<<48); makemap ignores larger size hints.
	maxAlloc = 1 << 48
)

// Tophash markers. A slot whose tophash is below MinTopHash holds no live
// key; the values 2..4 appear only in old buckets during a grow.
const (
	EmptyRest      = 0 // slot empty, and so is every later slot of this bucket and its overflow chain
	EmptyOne       = 1 // slot empty (a deleted key, or a gap before a live slot)
	EvacuatedX     = 2 // key moved to the same-index bucket of the new array
	EvacuatedY     = 3 // key moved to the bucket at index + old size
	EvacuatedEmpty = 4 // slot was empty when its bucket was evacuated
	MinTopHash     = 5 // smallest tophash of a live key
)

// Header flags (hmap.flags).
const (
	FlagIterator     = 1 // there may be an iterator using buckets
	FlagOldIterator  = 2 // there may be an iterator using oldbuckets
	FlagHashWriting  = 4 // a goroutine is writing to the map
	FlagSameSizeGrow = 8 // the grow in progress keeps the bucket count
)

// noCheck is the iterator's checkBucket when no filtering is needed.
const noCheck = ^uint64(0)

// isEmpty reports whether a tophash value marks a slot without a key in a
// bucket that has not been evacuated.
func isEmpty(x uint8) bool { return x <= EmptyOne }

// TopHash is the tophash byte stored for a key with hash h: the top 8 bits,
// moved above the reserved markers.
func TopHash(h uint64) uint8 {
	top := uint8(h >> (ptrSize*8 - 8))
	if top < MinTopHash {
		top += MinTopHash
	}
	return top
}

func bucketShift(b uint8) uint64 { return uint64(1) << (b & (ptrSize*8 - 1)) }

func bucketMask(b uint8) uint64 { return bucketShift(b) - 1 }

// OverLoadFactor reports whether count keys in 1<<B buckets exceed the load
// factor: more than one bucket's worth and more than 6.5 per bucket, in the
// runtime's integer arithmetic (13*(2^B/2), so 0 for B=0).
func OverLoadFactor(count int, B uint8) bool {
	return count > bucketCnt && uint64(count) > loadFactorNum*(bucketShift(B)/loadFactorDen)
}

// TooManyOverflowBuckets reports whether noverflow overflow buckets are
// "as many as" the 1<<B regular buckets, which starts a same-size grow.
// For B > 15 the counter is approximate (see incrnoverflow) and compared
// with 1<<15.
func TooManyOverflowBuckets(noverflow uint16, B uint8) bool {
	if B > 15 {
		B = 15
	}
	return noverflow >= uint16(1)<<(B&15)
}

// FlagsString spells out header flags, e.g. "iterator|oldIterator".
func FlagsString(f uint8) string {
	if f == 0 {
		return "0"
	}
	s := ""
	for _, n := range []struct {
		bit  uint8
		name string
	}{{FlagIterator, "iterator"}, {FlagOldIterator, "oldIterator"}, {FlagHashWriting, "hashWriting"}, {FlagSameSizeGrow, "sameSizeGrow"}} {
		if f&n.bit != 0 {
			if s != "" {
				s += "|"
			}
			s += n.name
		}
	}
	return s
}
