// Package writesetkeys is the fixed twin of cases/writesetkeys:
// CollectIteratorItems holds the read lock while it reads the writesets.
//
// Report: https://github.com/sei-protocol/sei-cosmos/pull/343
package writesetkeys

import (
	"sort"
	"sync"
)

// Store keeps the writesets of the transactions of a block.
type Store struct {
	mtx            sync.RWMutex
	txWritesetKeys map[int][]string // tx index -> keys it wrote
	values         map[string]map[int][]byte
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{txWritesetKeys: make(map[int][]string), values: make(map[string]map[int][]byte)}
}

// SetWriteset records the writes of transaction index.
func (s *Store) SetWriteset(index int, writes map[string][]byte) {
	s.mtx.Lock()
	defer s.mtx.Unlock()
	keys := make([]string, 0, len(writes))
	for k, v := range writes {
		keys = append(keys, k)
		if s.values[k] == nil {
			s.values[k] = make(map[int][]byte)
		}
		s.values[k][index] = v
	}
	sort.Strings(keys)
	s.txWritesetKeys[index] = keys
}

// GetAllWritesetKeys returns the keys written by each transaction.
func (s *Store) GetAllWritesetKeys() map[int][]string {
	s.mtx.RLock()
	defer s.mtx.RUnlock()
	m := make(map[int][]string, len(s.txWritesetKeys))
	for i, keys := range s.txWritesetKeys {
		m[i] = keys
	}
	return m
}

// CollectIteratorItems returns the keys in [start, end) written by the
// transactions before index.
func (s *Store) CollectIteratorItems(index int, start, end string) []string {
	s.mtx.RLock()
	defer s.mtx.RUnlock()
	keys := s.txWritesetKeys
	seen := make(map[string]bool)
	var items []string
	for i := 0; i < index; i++ {
		for _, k := range keys[i] {
			if k >= start && k < end && !seen[k] {
				seen[k] = true
				items = append(items, k)
			}
		}
	}
	sort.Strings(items)
	return items
}

// Execute runs the block's transactions in parallel.
func Execute(s *Store, txs []func(s *Store, index int) map[string][]byte) {
	var wg sync.WaitGroup
	for i, tx := range txs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.SetWriteset(i, tx(s, i))
		}()
	}
	wg.Wait()
}
