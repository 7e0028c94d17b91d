// Package peerstats is the fixed twin of cases/peerstats: GetPeer returns
// a copy of the peer with cloned counter maps, made under the lock.
//
// Report: https://github.com/pactus-project/pactus/pull/1279
package peerstats

import (
	"context"
	"maps"
	"sort"
	"sync"
)

// Peer is what the node knows about a peer.
type Peer struct {
	ID               string
	Moniker          string
	Height           uint32
	ReceivedMessages map[string]int64 // message type -> count
	SentMessages     map[string]int64
}

// PeerSet keeps the known peers.
type PeerSet struct {
	lk    sync.RWMutex
	peers map[string]*Peer
}

// NewPeerSet returns an empty peer set.
func NewPeerSet() *PeerSet { return &PeerSet{peers: make(map[string]*Peer)} }

// IncreaseReceived counts a message received from id.
func (ps *PeerSet) IncreaseReceived(id, msgType string) {
	ps.lk.Lock()
	defer ps.lk.Unlock()
	p := ps.mustGet(id)
	p.ReceivedMessages[msgType]++
}

// IncreaseSent counts a message sent to id.
func (ps *PeerSet) IncreaseSent(id, msgType string) {
	ps.lk.Lock()
	defer ps.lk.Unlock()
	p := ps.mustGet(id)
	p.SentMessages[msgType]++
}

// PeerIDs returns the IDs of the known peers, sorted.
func (ps *PeerSet) PeerIDs() []string {
	ps.lk.RLock()
	defer ps.lk.RUnlock()
	ids := make([]string, 0, len(ps.peers))
	for id := range ps.peers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// GetPeer returns the peer with id.
func (ps *PeerSet) GetPeer(id string) *Peer {
	ps.lk.RLock()
	defer ps.lk.RUnlock()
	p, ok := ps.peers[id]
	if !ok {
		return nil
	}
	cp := *p
	cp.ReceivedMessages = maps.Clone(p.ReceivedMessages)
	cp.SentMessages = maps.Clone(p.SentMessages)
	return &cp
}

func (ps *PeerSet) mustGet(id string) *Peer {
	p, ok := ps.peers[id]
	if !ok {
		p = &Peer{ID: id, ReceivedMessages: make(map[string]int64), SentMessages: make(map[string]int64)}
		ps.peers[id] = p
	}
	return p
}

// PeerInfo is one peer in a GetNetworkInfo reply.
type PeerInfo struct {
	ID       string
	Moniker  string
	Received map[string]int64
	Sent     map[string]int64
}

// NetworkServer serves the Network gRPC service.
type NetworkServer struct {
	peers *PeerSet
}

// GetNetworkInfo returns the known peers and their message counts.
func (s *NetworkServer) GetNetworkInfo(ctx context.Context, _ struct{}) ([]PeerInfo, error) {
	var infos []PeerInfo
	for _, id := range s.peers.PeerIDs() {
		p := s.peers.GetPeer(id)
		if p == nil {
			continue
		}
		infos = append(infos, PeerInfo{ID: p.ID, Moniker: p.Moniker, Received: p.ReceivedMessages, Sent: p.SentMessages})
	}
	return infos, nil
}
