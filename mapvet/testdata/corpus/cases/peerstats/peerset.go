// Package peerstats is modeled on pactus's network peer set and its gRPC
// GetNetworkInfo: GetPeer returns a pointer to the peer set's own peer, so
// the gRPC handler ranges the peer's message counters, maps the network
// goroutine increments under the peer set's lock.
//
// Report: https://github.com/pactus-project/pactus/pull/1279
package peerstats

import (
	"context"
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
	return ps.peers[id] // race: c returns the set's own peer; its counter maps escape the lock
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
		p := s.peers.GetPeer(id) // race: c gets the set's own peer, whose counter maps escape the lock
		info := PeerInfo{ID: p.ID, Moniker: p.Moniker, Received: map[string]int64{}, Sent: map[string]int64{}}
		for t, n := range p.ReceivedMessages { // race: c ranges the peer's counters without the peer set's lock while the network increments them
			info.Received[t] = n
		}
		for t, n := range p.SentMessages { // race: c ranges the peer's counters without the peer set's lock while the network increments them
			info.Sent[t] = n
		}
		infos = append(infos, info)
	}
	return infos, nil
}
