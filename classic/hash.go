package classic

import (
	"cmp"
	"math"
	"reflect"
)

// DefaultHash is the model's hash function: a 64-bit mixer over the key's
// bits (or bytes, for strings) and the seed. It is not the runtime's hash
// (aeshash or memhash, with a per-process key), so which bucket a key lands
// in differs from a real map; every hash-independent figure does not.
// +0 and -0 hash alike, as they are equal keys.
func DefaultHash[K cmp.Ordered](key K, seed uint64) uint64 {
	var x uint64
	switch k := any(key).(type) {
	case int:
		x = uint64(k)
	case int8:
		x = uint64(k)
	case int16:
		x = uint64(k)
	case int32:
		x = uint64(k)
	case int64:
		x = uint64(k)
	case uint:
		x = uint64(k)
	case uint8:
		x = uint64(k)
	case uint16:
		x = uint64(k)
	case uint32:
		x = uint64(k)
	case uint64:
		x = k
	case uintptr:
		x = uint64(k)
	case float32:
		if k == 0 {
			k = 0
		}
		x = uint64(math.Float32bits(k))
	case float64:
		if k == 0 {
			k = 0
		}
		x = math.Float64bits(k)
	case string:
		return hashString(k, seed)
	default:
		// A named type such as type ID int: go by its underlying kind.
		return hashOther(reflect.ValueOf(key), seed)
	}
	return mix64(x ^ mix64(seed+0x9e3779b97f4a7c15))
}

func hashOther(v reflect.Value, seed uint64) uint64 {
	switch {
	case v.CanInt():
		return DefaultHash(v.Int(), seed)
	case v.CanUint():
		return DefaultHash(v.Uint(), seed)
	case v.CanFloat():
		return DefaultHash(v.Float(), seed)
	default:
		return hashString(v.String(), seed)
	}
}

func hashString(s string, seed uint64) uint64 {
	h := uint64(14695981039346656037) ^ seed
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix64(h ^ uint64(len(s)))
}

// mix64 is the splitmix64 finalizer: every input bit affects every output
// bit, so the top byte (tophash) and the low bits (bucket index) are both
// well spread.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// newRand returns a deterministic fastrand replacement (splitmix64 steps,
// upper half of each output).
func newRand(seed uint64) func() uint32 {
	s := seed
	return func() uint32 {
		s += 0x9e3779b97f4a7c15
		return uint32(mix64(s) >> 32)
	}
}
