// Package membersrange is the fixed twin of cases/membersrange: Stats holds
// the member list's own read lock while it ranges the members.
//
// Report: https://github.com/olric-data/olric/issues/285
package membersrange

import (
	"corpus/cases/membersrange_fixed/routingtable"
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
	return &DB{rt: routingtable.New(events), partitions: partitions}
}

// Stats reports the cluster members; clients call it at any time.
func (db *DB) Stats() ClusterStats {
	s := ClusterStats{Members: make(map[uint64]MemberStats), Partition: db.partitions}
	members := db.rt.Members()
	members.RLock()
	defer members.RUnlock()
	members.Range(func(id uint64, m routingtable.Member) bool {
		s.Members[id] = MemberStats{Name: m.Name, Birthdate: m.Birthdate}
		return true
	})
	return s
}
