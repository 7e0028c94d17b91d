// Package membersrange is modeled on olric's Stats: it holds the routing
// table's read lock while ranging the member list, whose own lock is the one
// the membership event loop takes to add and delete members. Two locks,
// one map.
//
// Report: https://github.com/olric-data/olric/issues/285
package membersrange

import (
	"corpus/cases/membersrange/routingtable"
)

// MemberStats is one member in a stats reply.
type MemberStats struct {
	Name      string
	Birthdate int64
}

// ClusterStats is the cluster part of a stats reply.
type ClusterStats struct {
	Members   map[uint64]MemberStats
	Partition int
}

// DB is an embedded node.
type DB struct {
	rt         *routingtable.RoutingTable
	partitions int
}

// New returns a node fed by the gossip layer's events.
func New(events <-chan routingtable.Event, partitions int) *DB {
	return &DB{rt: routingtable.New(events), partitions: partitions} // race: a New leaves the event loop running that writes the members
}

// Stats reports the cluster members; clients call it at any time.
func (db *DB) Stats() ClusterStats {
	s := ClusterStats{Members: make(map[uint64]MemberStats), Partition: db.partitions}
	db.rt.RLock()
	defer db.rt.RUnlock()
	db.rt.Members().Range(func(id uint64, m routingtable.Member) bool { // race: a ranges the members under the routing table's lock instead of the member list's
		s.Members[id] = MemberStats{Name: m.Name, Birthdate: m.Birthdate}
		return true
	})
	return s
}
