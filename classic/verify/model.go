package verify

import (
	"fmt"

	"github.com/mapsafe/mapsafe/classic"
)

// HashMode says where the model's hashes come from.
type HashMode int

const (
	// RealHash feeds the model the real map's hash of every key (read by
	// the probe with inspect.Locate under the map's current seed) and the
	// real iterators' random starts. Then every figure must agree,
	// including the hash-dependent ones: bucket contents, noverflow,
	// nevacuate, iteration order.
	RealHash HashMode = iota
	// OwnHash runs the model with its own hash function and random
	// source. Only hash-independent figures can agree: count, B and the
	// operations at which doubling grows start.
	OwnHash
)

func (h HashMode) String() string {
	if h == RealHash {
		return "real-hash"
	}
	return "own-hash"
}

// modelSide runs operations on the model and records what it sees.
type modelSide struct {
	m        *classic.Map[int, int]
	it       *classic.Iter[int, int]
	mode     HashMode
	cfg      classic.Config[int]
	rand     func() uint32
	sameSize int // same-size grows started

	// RealHash: hashes[seed][key] from the probe, seed being the model's
	// hash0, which counts reseeds; queued random values (iterator starts).
	hashes  map[uint32]map[int]uint64
	queue   []uint32
	epoch   uint32
	missing error
}

func newModelSide(mode HashMode, seed uint64) (*modelSide, error) {
	s := &modelSide{mode: mode}
	s.cfg = classic.Config[int]{Seed: seed}
	if mode == RealHash {
		s.hashes = map[uint32]map[int]uint64{}
		s.cfg.Hash = s.realHash
		s.cfg.Rand = s.realRand
	}
	if err := s.newMap(0); err != nil {
		return nil, err
	}
	return s, nil
}

// newMap starts over with a new empty map (make with a size hint). In
// OwnHash mode the random source carries on from the previous map, as
// fastrand does.
func (s *modelSide) newMap(hint int) error {
	m, err := classic.New[int, int](hint, s.cfg, func(e classic.Event) {
		if e.Kind == classic.EvGrowStart && e.SameSize {
			s.sameSize++
		}
	})
	if err != nil {
		return err
	}
	if s.rand == nil {
		s.rand = m.Rand()
		s.cfg.Rand = s.rand
	}
	s.m, s.it = m, nil
	return nil
}

func (s *modelSide) realHash(k int, seed uint64) uint64 {
	h, ok := s.hashes[uint32(seed)][k]
	if !ok && s.missing == nil {
		s.missing = fmt.Errorf("the model needed the hash of key %d, which the real map never reported under the current seed", k)
	}
	return h
}

// realRand returns the queued random value (an iterator start), or else
// numbers seeds: the model draws a new hash0 exactly when the runtime does
// (make, deleting the last key, clear), so seed n of the model is the real
// map's n-th seed.
func (s *modelSide) realRand() uint32 {
	if len(s.queue) > 0 {
		v := s.queue[0]
		s.queue = s.queue[1:]
		return v
	}
	s.epoch++
	return s.epoch
}

// apply runs op on the model. real is the probe's record of the same
// operation (RealHash mode takes the key's hash and the iterator's start
// from it; nil in OwnHash mode).
func (s *modelSide) apply(i int, op Op, real *Record) (Record, error) {
	rec := Record{Op: i}
	if s.mode == RealHash && real != nil {
		switch op.Kind {
		case OpInsert, OpDelete, OpLookup:
			seed := s.m.Hash0()
			if s.hashes[seed] == nil {
				s.hashes[seed] = map[int]uint64{}
			}
			s.hashes[seed][op.Key] = real.Hash
			rec.Hash = real.Hash
		case OpIterStart:
			if s.m.Len() > 0 && real.Iter != nil {
				r := real.Iter.Start | uint64(real.Iter.Offset)<<real.Iter.B
				s.queue = append(s.queue, uint32(r))
			}
		}
	}
	switch op.Kind {
	case OpInsert:
		s.m.Insert(op.Key, op.Val)
	case OpDelete:
		s.m.Delete(op.Key)
	case OpLookup:
		rec.Val, rec.Found = s.m.Lookup(op.Key)
	case OpClear:
		s.m.Clear()
	case OpIterStart:
		s.it = s.m.Iter()
		if s.it.Ok() {
			rec.Found, rec.Key, rec.Val = true, s.it.Key(), s.it.Elem()
		}
	case OpIterNext:
		if s.it != nil && s.it.Ok() && s.it.Next() {
			rec.Found, rec.Key, rec.Val = true, s.it.Key(), s.it.Elem()
		}
	case OpIterEnd:
		s.it = nil
	case OpNew:
		if err := s.newMap(op.Key); err != nil {
			return rec, err
		}
	default:
		return rec, fmt.Errorf("operation %d: unknown kind %q", i, op.Kind)
	}
	if len(s.queue) > 0 {
		return rec, fmt.Errorf("operation %d (%v): the model did not draw the real iterator's start", i, op)
	}
	if real != nil && len(real.RehashKeys) > 0 {
		if len(real.RehashKeys) != len(real.RehashHashes) {
			return rec, fmt.Errorf("operation %d: %d rehashed keys with %d hashes", i, len(real.RehashKeys), len(real.RehashHashes))
		}
		seed := s.m.Hash0()
		if s.hashes[seed] == nil {
			s.hashes[seed] = map[int]uint64{}
		}
		for j, k := range real.RehashKeys {
			s.hashes[seed][k] = real.RehashHashes[j]
		}
	}
	if s.missing != nil {
		err := s.missing
		s.missing = nil
		return rec, fmt.Errorf("operation %d (%v): %v", i, op, err)
	}
	rec.Map = mapObs(s.m.State())
	if s.it != nil {
		rec.Iter = iterObs(s.it.Cursor())
	}
	return rec, nil
}
