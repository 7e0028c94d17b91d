package engine

import (
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
)

// SummaryFact carries a function's Summary to the packages that import it.
// It holds only portable Refs (parameters and globals) and no positions:
// token positions of one package mean nothing in another.
type SummaryFact struct {
	Accesses []factAccess
	Dones    []factRef
	Sends    []factRef
	Waits    []factRef
	Recvs    []factRef
	Acquires []factHeld
	Releases []factRef
	Spawns   []factSpawn
}

func (*SummaryFact) AFact() {}

func (f *SummaryFact) String() string {
	var parts []string
	for _, a := range f.Accesses {
		parts = append(parts, ops.Kind(a.Kind).String()+" "+a.Ref.ref().String())
	}
	if len(f.Spawns) > 0 {
		parts = append(parts, "spawns")
	}
	return "summary(" + strings.Join(parts, ", ") + ")"
}

type factRef struct {
	Kind  uint8
	Key   string
	Index int
	Path  string
}

type factHeld struct {
	Lock   factRef
	Key    string
	Shared bool
	Name   string
}

type factAccess struct {
	Ref     factRef
	Name    string
	TypeKey string
	Kind    uint8
	Verb    string
	Where   string
	Call    string
	Locks   []factHeld
}

type factSpawn struct {
	How      string
	Origin   string
	Where    string
	Accesses []factAccess
	Dones    []factRef
	Sends    []factRef
	Groups   []factRef
	Siblings bool
}

func toFactRef(r ref.Ref) factRef {
	return factRef{uint8(r.Kind), r.Key, r.Index, r.Path}
}

func (f factRef) ref() ref.Ref {
	return ref.Ref{Kind: ref.Kind(f.Kind), Key: f.Key, Index: f.Index, Path: f.Path}
}

func toFactRefs(rs []ref.Ref) []factRef {
	var out []factRef
	for _, r := range rs {
		out = append(out, toFactRef(r))
	}
	return out
}

func fromFactRefs(fs []factRef) []ref.Ref {
	var out []ref.Ref
	for _, f := range fs {
		out = append(out, f.ref())
	}
	return out
}

func toFactLocks(ls LockSet) []factHeld {
	var out []factHeld
	for _, h := range ls {
		out = append(out, factHeld{toFactRef(h.Lock), h.Key, h.Shared, h.Name})
	}
	return out
}

func fromFactLocks(fs []factHeld) LockSet {
	var out LockSet
	for _, f := range fs {
		out = append(out, Held{f.Lock.ref(), f.Key, f.Shared, f.Name})
	}
	return out
}

func toFactAccesses(accs []Access) []factAccess {
	var out []factAccess
	for _, a := range accs {
		out = append(out, factAccess{toFactRef(a.Ref), a.Name, a.TypeKey, uint8(a.Kind), a.Verb, a.Where, a.Call, toFactLocks(a.Locks)})
	}
	return out
}

func fromFactAccesses(fs []factAccess) []Access {
	var out []Access
	for _, f := range fs {
		out = append(out, Access{
			Ref: f.Ref.ref(), Name: f.Name, TypeKey: f.TypeKey, Kind: ops.Kind(f.Kind),
			Verb: f.Verb, Where: f.Where, Call: f.Call, Locks: fromFactLocks(f.Locks),
		})
	}
	return out
}

func newSummaryFact(s *Summary) *SummaryFact {
	f := &SummaryFact{
		Accesses: toFactAccesses(s.Accesses),
		Dones:    toFactRefs(s.Dones),
		Sends:    toFactRefs(s.Sends),
		Waits:    toFactRefs(s.Waits),
		Recvs:    toFactRefs(s.Recvs),
		Acquires: toFactLocks(s.Acquires),
		Releases: toFactRefs(s.Releases),
	}
	for _, sp := range s.Spawns {
		f.Spawns = append(f.Spawns, factSpawn{sp.How, sp.Origin, sp.Where, toFactAccesses(sp.Accesses),
			toFactRefs(sp.Dones), toFactRefs(sp.Sends), toFactRefs(sp.Groups), sp.Siblings})
	}
	return f
}

func (f *SummaryFact) summary() *Summary {
	s := &Summary{
		Accesses: fromFactAccesses(f.Accesses),
		Dones:    fromFactRefs(f.Dones),
		Sends:    fromFactRefs(f.Sends),
		Waits:    fromFactRefs(f.Waits),
		Recvs:    fromFactRefs(f.Recvs),
		Acquires: fromFactLocks(f.Acquires),
		Releases: fromFactRefs(f.Releases),
	}
	for _, sp := range f.Spawns {
		s.Spawns = append(s.Spawns, &Goroutine{How: sp.How, Origin: sp.Origin, Where: sp.Where, Accesses: fromFactAccesses(sp.Accesses),
			Dones: fromFactRefs(sp.Dones), Sends: fromFactRefs(sp.Sends), Groups: fromFactRefs(sp.Groups), Siblings: sp.Siblings})
	}
	return s
}
