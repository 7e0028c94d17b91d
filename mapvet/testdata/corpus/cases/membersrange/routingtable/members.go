// Package routingtable keeps the cluster's members. Members embeds its
// lock but its methods do not take it: callers hold it around each use.
//
// Report: https://github.com/olric-data/olric/issues/285
package routingtable

import (
	"sync"
	"time"
)

// Member is a node of the cluster.
type Member struct {
	ID        uint64
	Name      string
	Birthdate int64
}

// Members is the member list; callers must hold its lock.
type Members struct {
	sync.RWMutex
	m map[uint64]Member
}

func newMembers() *Members { return &Members{m: make(map[uint64]Member)} }

// Add adds or replaces a member. The caller holds the lock.
func (m *Members) Add(member Member) { m.m[member.ID] = member }

// Delete removes a member. The caller holds the lock.
func (m *Members) Delete(id uint64) { delete(m.m, id) }

// Get returns a member. The caller holds at least the read lock.
func (m *Members) Get(id uint64) (Member, bool) {
	member, ok := m.m[id]
	return member, ok
}

// Range calls f for every member until f returns false. The caller holds
// at least the read lock.
func (m *Members) Range(f func(id uint64, member Member) bool) {
	for id, member := range m.m { // race: a ranges the member map; its caller Stats holds the routing table's lock, not the member list's
		if !f(id, member) {
			return
		}
	}
}

// Event is a membership change from the gossip layer.
type Event struct {
	Member Member
	Left   bool
}

// RoutingTable maps partitions to members.
type RoutingTable struct {
	sync.RWMutex // guards the partition table, not the members
	members      *Members
	owners       map[uint64][]uint64 // partition -> owner member IDs
	updated      time.Time
}

// New returns a routing table that applies the events it receives.
func New(events <-chan Event) *RoutingTable {
	rt := &RoutingTable{members: newMembers(), owners: make(map[uint64][]uint64)}
	go rt.listenEvents(events) // race: a the event loop writes the member map under the member list's lock
	return rt
}

// Members returns the member list.
func (rt *RoutingTable) Members() *Members { return rt.members }

func (rt *RoutingTable) listenEvents(events <-chan Event) {
	for ev := range events {
		rt.members.Lock()
		if ev.Left {
			rt.members.Delete(ev.Member.ID)
		} else {
			rt.members.Add(ev.Member)
		}
		rt.members.Unlock()
		rt.Lock()
		rt.updated = time.Now()
		rt.Unlock()
	}
}
