package verify

import (
	"fmt"

	"github.com/mapsafe/mapsafe/classic"
	"github.com/mapsafe/mapsafe/classic/op"
	"github.com/mapsafe/mapsafe/classic/verify/record"
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

// modelSide runs operations on the model and records what it sees.
type modelSide struct {
	sess     classic.Session
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
	s.sess.Make = s.newMap
	m, err := s.newMap(0)
	if err != nil {
		return nil, err
	}
	s.sess.Map = m
	return s, nil
}

// newMap makes a new empty map (make with a size hint). In OwnHash mode
// the random source carries on from the previous map, as fastrand does.
func (s *modelSide) newMap(hint int) (*classic.Map[int, int], error) {
	m, err := classic.New[int, int](hint, s.cfg, func(e classic.Event) {
		if e.Kind == classic.EvGrowStart && e.SameSize {
			s.sameSize++
		}
	})
	if err != nil {
		return nil, err
	}
	if s.rand == nil {
		s.rand = m.Rand()
		s.cfg.Rand = s.rand
	}
	return m, nil
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

// learn records the real map's hashes under the model's current seed.
func (s *modelSide) learn(keys []int, hashes []uint64) {
	seed := s.sess.Map.Hash0()
	if s.hashes[seed] == nil {
		s.hashes[seed] = map[int]uint64{}
	}
	for j, k := range keys {
		s.hashes[seed][k] = hashes[j]
	}
}

// apply runs o on the model. real is the probe's record of the same
// operation (RealHash mode takes the key's hash and the iterator's start
// from it; nil in OwnHash mode).
func (s *modelSide) apply(i int, o op.Op, real *record.Record) (record.Record, error) {
	rec := record.Record{Op: i}
	if s.mode == RealHash && real != nil {
		switch o.Kind {
		case op.Insert, op.Delete, op.Lookup:
			s.learn([]int{o.Key}, []uint64{real.Hash})
			rec.Hash = real.Hash
		case op.IterStart:
			if s.sess.Map.Len() > 0 && real.Iter != nil {
				r := real.Iter.Start | uint64(real.Iter.Offset)<<real.Iter.B
				s.queue = append(s.queue, uint32(r))
			}
		}
	}
	res, err := s.sess.Apply(o)
	if err != nil {
		return rec, fmt.Errorf("operation %d: %v", i, err)
	}
	rec.Found, rec.Key, rec.Val = res.Found, res.Key, res.Val
	if len(s.queue) > 0 {
		return rec, fmt.Errorf("operation %d (%v): the model did not draw the real iterator's start", i, o)
	}
	if real != nil && len(real.RehashKeys) > 0 {
		if len(real.RehashKeys) != len(real.RehashHashes) {
			return rec, fmt.Errorf("operation %d: %d rehashed keys with %d hashes", i, len(real.RehashKeys), len(real.RehashHashes))
		}
		s.learn(real.RehashKeys, real.RehashHashes)
	}
	if s.missing != nil {
		err := s.missing
		s.missing = nil
		return rec, fmt.Errorf("operation %d (%v): %v", i, o, err)
	}
	rec.Map = mapRecord(s.sess.Map.State())
	if s.sess.Iter != nil {
		rec.Iter = iterRecord(s.sess.Iter.Cursor())
	}
	return rec, nil
}
