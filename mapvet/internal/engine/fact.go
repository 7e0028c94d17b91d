package engine

import (
	"go/token"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
)

// SummaryFact carries a function's Summary to the packages that import it.
// It holds only portable Refs (parameters and globals), and positions as
// file, line and column (position.go).
type SummaryFact struct {
	Accesses []factAccess
	Dones    []factRef
	Sends    []factRef
	Waits    []factRef
	Recvs    []factRef
	Acquires []factHeld
	Releases []factRef
	Spawns   []factSpawn
	Calls    []factCall
	NoReturn bool

	Returns      [][]factRef
	ReturnKeys   []string
	FreshResults []bool
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
	Var   string
	Index int
	Path  string
}

type factHeld struct {
	Lock    factRef
	TypeKey string
	Shared  bool
	At      factPos
}

type factAccess struct {
	Ref     factRef
	TypeKey string
	Kind    uint8
	Verb    string
	Op      factPos
	Locks   []factHeld
	Nils    []factRef
}

type factSpawn struct {
	Kind     uint8
	Origin   string
	Start    factPos
	Accesses []factAccess
	Dones    []factRef
	Sends    []factRef
	Groups   []factRef
	Calls    []factCall
	Siblings bool
	OnError  bool
}

type factCall struct {
	Fn    factRef
	Field string
	Args  [][]factRef
	Locks []factHeld
	Nils  []factRef
}

func toFactRef(r ref.Ref) factRef {
	return factRef{uint8(r.Kind), r.Var, r.Index, r.Path}
}

func (f factRef) ref() ref.Ref {
	return ref.Ref{Kind: ref.Kind(f.Kind), Var: f.Var, Index: f.Index, Path: f.Path}
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

// A factCodec converts between a summary and its fact: positions become
// factPos values of the exporting package and token.Pos values of the
// importing pass's FileSet (position.go). Names are not exported: the
// importer names everything in its own terms when it applies the summary.
type factCodec struct {
	fset *token.FileSet
	pkg  string // the exporting package's path
}

func (c factCodec) toLocks(ls LockSet) []factHeld {
	var out []factHeld
	for _, h := range ls {
		out = append(out, factHeld{toFactRef(h.Lock), string(h.TypeKey), h.Shared, toFactPos(c.fset, c.pkg, h.At)})
	}
	return out
}

func (c factCodec) fromLocks(fs []factHeld) LockSet {
	var out LockSet
	for _, f := range fs {
		out = append(out, Held{Lock: f.Lock.ref(), TypeKey: ref.TypeKey(f.TypeKey), Shared: f.Shared, At: f.At.pos(c.fset)})
	}
	return out
}

func (c factCodec) toAccesses(accs []Access) []factAccess {
	var out []factAccess
	for _, a := range accs {
		out = append(out, factAccess{toFactRef(a.Ref), string(a.TypeKey), uint8(a.Kind), a.Verb, toFactPos(c.fset, c.pkg, a.Op), c.toLocks(a.Locks), toFactRefs(a.Nils)})
	}
	return out
}

func (c factCodec) fromAccesses(fs []factAccess) []Access {
	var out []Access
	for _, f := range fs {
		out = append(out, Access{
			Ref: f.Ref.ref(), TypeKey: ref.TypeKey(f.TypeKey), Kind: ops.Kind(f.Kind),
			Verb: f.Verb, Op: f.Op.pos(c.fset), Locks: c.fromLocks(f.Locks), Nils: fromFactRefs(f.Nils),
		})
	}
	return out
}

func (c factCodec) toCalls(dcs []DynCall) []factCall {
	var out []factCall
	for _, dc := range dcs {
		f := factCall{Fn: toFactRef(dc.Fn), Field: string(dc.Field), Locks: c.toLocks(dc.Locks), Nils: toFactRefs(dc.Nils)}
		for _, a := range dc.Args {
			f.Args = append(f.Args, toFactRefs(a))
		}
		out = append(out, f)
	}
	return out
}

func (c factCodec) fromCalls(fs []factCall) []DynCall {
	var out []DynCall
	for _, f := range fs {
		dc := DynCall{Fn: f.Fn.ref(), Field: ref.TypeKey(f.Field), Locks: c.fromLocks(f.Locks), Nils: fromFactRefs(f.Nils)}
		for _, a := range f.Args {
			dc.Args = append(dc.Args, fromFactRefs(a))
		}
		out = append(out, dc)
	}
	return out
}

func (c factCodec) fact(s *Summary) *SummaryFact {
	f := &SummaryFact{
		Accesses: c.toAccesses(s.Accesses),
		Dones:    toFactRefs(s.Dones),
		Sends:    toFactRefs(s.Sends),
		Waits:    toFactRefs(s.Waits),
		Recvs:    toFactRefs(s.Recvs),
		Acquires: c.toLocks(s.Acquires),
		Releases: toFactRefs(s.Releases),
		Calls:    c.toCalls(s.Calls),
		NoReturn: s.NoReturn,

		FreshResults: s.FreshResults,
	}
	for i, r := range s.Returns {
		f.Returns = append(f.Returns, toFactRefs(r))
		f.ReturnKeys = append(f.ReturnKeys, string(s.ReturnKeys[i]))
	}
	for _, sp := range s.Spawns {
		f.Spawns = append(f.Spawns, factSpawn{uint8(sp.Kind), sp.Origin, toFactPos(c.fset, c.pkg, sp.Start), c.toAccesses(sp.Accesses),
			toFactRefs(sp.Dones), toFactRefs(sp.Sends), toFactRefs(sp.Groups), c.toCalls(sp.Calls), sp.Siblings, sp.OnError})
	}
	return f
}

func (c factCodec) summary(f *SummaryFact) *Summary {
	s := &Summary{
		Accesses: c.fromAccesses(f.Accesses),
		Dones:    fromFactRefs(f.Dones),
		Sends:    fromFactRefs(f.Sends),
		Waits:    fromFactRefs(f.Waits),
		Recvs:    fromFactRefs(f.Recvs),
		Acquires: c.fromLocks(f.Acquires),
		Releases: fromFactRefs(f.Releases),
		Calls:    c.fromCalls(f.Calls),
		NoReturn: f.NoReturn,

		FreshResults: f.FreshResults,
	}
	for i, r := range f.Returns {
		s.Returns = append(s.Returns, fromFactRefs(r))
		s.ReturnKeys = append(s.ReturnKeys, ref.TypeKey(f.ReturnKeys[i]))
	}
	for _, sp := range f.Spawns {
		s.Spawns = append(s.Spawns, &Goroutine{Kind: ops.StartKind(sp.Kind), Origin: sp.Origin, Start: sp.Start.pos(c.fset),
			Accesses: c.fromAccesses(sp.Accesses), Dones: fromFactRefs(sp.Dones), Sends: fromFactRefs(sp.Sends),
			Groups: fromFactRefs(sp.Groups), Calls: c.fromCalls(sp.Calls), Siblings: sp.Siblings, OnError: sp.OnError})
	}
	return s
}
