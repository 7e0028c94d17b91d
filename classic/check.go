package classic

import "fmt"

// Check verifies the invariants the runtime relies on and returns the
// first violation. The model's tests call it after every operation.
//
//   - count equals the live keys reachable: in the new array, plus those of
//     old buckets not yet evacuated;
//   - every live key sits in the bucket its hash selects, with its tophash,
//     and appears once;
//   - an old bucket is evacuated entirely or not at all, and every old
//     bucket below nevacuate is evacuated; a new bucket whose old bucket is
//     not evacuated is empty;
//   - no live slot follows an emptyRest slot in a chain;
//   - hashWriting is clear between operations.
func (m *Map[K, V]) Check() error {
	if m.flags&FlagHashWriting != 0 {
		return fmt.Errorf("hashWriting set between operations")
	}
	if m.buckets == nil {
		if m.count != 0 {
			return fmt.Errorf("count %d without buckets", m.count)
		}
		return nil
	}
	if m.buckets.base != 1<<m.b {
		return fmt.Errorf("bucket array of %d buckets for B=%d", m.buckets.base, m.b)
	}
	seen := map[K]bool{}
	live := 0
	check := func(arr *bucketArray[K, V], old bool, mask uint64) error {
		for idx := 0; idx < arr.base; idx++ {
			first := &arr.b[idx]
			if old && evacuated(first) {
				for b := first; b != nil; b = b.overflow {
					for i, t := range b.tophash {
						if t != EvacuatedX && t != EvacuatedY && t != EvacuatedEmpty {
							return fmt.Errorf("oldbucket %d slot %d: tophash %d in an evacuated bucket", idx, i, t)
						}
					}
				}
				continue
			}
			if !old && m.oldbuckets != nil {
				ob := uint64(idx) & m.oldbucketmask()
				if !evacuated(m.oldbuckets.at(ob)) {
					for i, t := range first.tophash {
						if t != EmptyRest {
							return fmt.Errorf("bucket %d slot %d: tophash %d before oldbucket %d is evacuated", idx, i, t, ob)
						}
					}
					continue
				}
			}
			rest := false
			for b, chain := first, 0; b != nil; b, chain = b.overflow, chain+1 {
				for i, t := range b.tophash {
					where := func() string {
						w := fmt.Sprintf("bucket %d ovf#%d slot %d", idx, chain, i)
						if old {
							w = "old" + w
						}
						return w
					}
					switch {
					case t == EmptyRest:
						rest = true
					case t == EmptyOne:
					case t < MinTopHash:
						return fmt.Errorf("%s: evacuation mark %d in a live bucket", where(), t)
					default:
						if rest {
							return fmt.Errorf("%s: live key after emptyRest", where())
						}
						k := b.keys[i]
						if k == k {
							h := m.hash(k, uint64(m.hash0))
							if h&mask != uint64(idx) {
								return fmt.Errorf("%s: key %v hashes to bucket %d", where(), k, h&mask)
							}
							if TopHash(h) != t {
								return fmt.Errorf("%s: key %v has tophash %#x, slot says %#x", where(), k, TopHash(h), t)
							}
							if seen[k] {
								return fmt.Errorf("%s: key %v appears twice", where(), k)
							}
							seen[k] = true
						}
						live++
					}
				}
			}
		}
		return nil
	}
	if err := check(m.buckets, false, bucketMask(m.b)); err != nil {
		return err
	}
	if m.oldbuckets != nil {
		if err := check(m.oldbuckets, true, m.oldbucketmask()); err != nil {
			return err
		}
		if m.nevacuate >= m.noldbuckets() {
			return fmt.Errorf("growing with nevacuate %d of %d old buckets", m.nevacuate, m.noldbuckets())
		}
		for i := uint64(0); i < m.nevacuate; i++ {
			if !evacuated(m.oldbuckets.at(i)) {
				return fmt.Errorf("oldbucket %d below nevacuate %d is not evacuated", i, m.nevacuate)
			}
		}
	} else if m.flags&FlagSameSizeGrow != 0 {
		return fmt.Errorf("sameSizeGrow flag without a grow")
	}
	if live != m.count {
		return fmt.Errorf("count %d, live keys %d", m.count, live)
	}
	return nil
}
