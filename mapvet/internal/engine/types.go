package engine

import (
	"strings"

	"go/token"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// Access is one map access, named in the namespace of the function it is
// reported for.
type Access struct {
	Ref     ref.Ref
	Name    string // the map as the program wrote it, e.g. "s.m"
	TypeKey string // the map at the type level ("pkg.T.f" or a global), "" if neither
	Kind    ops.Kind
	Verb    string    // "assign", "delete", "range", "maps.Clone", ...
	Pos     token.Pos // in the reported function: the operation, or the call or defer that leads to it; NoPos if none
	OpPos   token.Pos // the operation itself when it is in the analysed package, else NoPos
	Where   string    // where the operation itself is, "file.go:12"
	Call    string    // "" when the function does it itself; else the call it happens in, e.g. "s.add"
	Locks   LockSet   // locks held while it happens
	Here    LockSet   // of those, the ones the reported function holds itself (at the access, or at the call leading to it)
	Fresh   bool      // the map or the struct holding it was allocated in this same function
}

// Summary is what a function does that its callers can see: accesses to maps
// reached through its parameters, free variables and globals, the
// synchronisation it performs, and goroutines it leaves running.
type Summary struct {
	Accesses []Access
	Dones    []ref.Ref // WaitGroups it marks Done
	Sends    []ref.Ref // channels it sends on or closes
	Waits    []ref.Ref // WaitGroups and errgroup.Groups it waits on
	Recvs    []ref.Ref // channels it receives from
	Acquires LockSet   // locks it holds when it returns that it took itself
	Releases []ref.Ref // locks it releases that it did not take
	Spawns   []*Goroutine
}

func (s *Summary) empty() bool {
	return len(s.Accesses) == 0 && len(s.Dones) == 0 && len(s.Sends) == 0 && len(s.Waits) == 0 &&
		len(s.Recvs) == 0 && len(s.Acquires) == 0 && len(s.Releases) == 0 && len(s.Spawns) == 0
}

// Goroutine is a function started on another goroutine, with its effects
// named in the namespace of the function that started it.
type Goroutine struct {
	Index    int
	Instr    ssa.Instruction // the start in the analysed function (nil from a summary)
	How      string          // "go statement", "time.AfterFunc", ...
	Pos      token.Pos       // the start, in the analysed function (NoPos from a fact)
	Where    string          // the start, "file.go:12"
	Accesses []Access
	Dones    []ref.Ref
	Sends    []ref.Ref
	Groups   []ref.Ref // the WaitGroup or errgroup.Group whose Wait joins it
	Siblings bool      // another instance from the same start may run at the same time
	Spawned  bool      // started by a function this one calls
	Origin   string    // the function whose go statement (or AfterFunc, ...) started it
	Overlaps []int     // indexes of other goroutines of the function that may run at the same time
}

// Deferred is a deferred call of the analysed function and what it does
// when it runs.
type Deferred struct {
	Index    int
	Pos      token.Pos
	Where    string
	Literal  bool      // the deferred call is of a function literal
	Accesses []Access  // with the locks the deferred code takes itself
	Unlocks  []ref.Ref // locks it releases
	Waits    []ref.Ref
	Recvs    []ref.Ref

	// When the function returns normally:
	Locks   LockSet // locks held on every path while the deferred call runs
	Running []int   // goroutines that may still run while it runs
}

// Result is what the engine found in one function.
type Result struct {
	Fn         *ssa.Function
	Accesses   []Access // the function's own accesses (and its callees'), not deferred ones
	Running    [][]int  // for each access, the goroutines that may run at the same time
	Goroutines []*Goroutine
	Defers     []*Deferred
	Summary    *Summary
}

// Describe names the goroutine for messages: "the goroutine started at x.go:17".
func (g *Goroutine) Describe() string {
	switch g.How {
	case "go statement":
		return "the goroutine started at " + g.Where
	case "time.AfterFunc":
		return "the time.AfterFunc callback registered at " + g.Where
	case "":
		return "a goroutine started at " + g.Where
	}
	if strings.HasPrefix(g.How, "goroutine started by ") {
		return "the " + g.How + " at " + g.Where
	}
	return "the " + g.How + " goroutine started at " + g.Where
}

// Phrase is how a message names an access: "range over m", "write to s.m".
func (a *Access) Phrase() string {
	switch a.Kind {
	case ops.Iterate:
		if a.Verb == "range" {
			return "range over " + a.Name
		}
		if ops.Printing(a.Verb) {
			return "printing " + a.Name + " with " + a.Verb
		}
		return a.Verb + " over " + a.Name
	case ops.Read:
		return "read of " + a.Name
	case ops.Clone:
		return "clone of " + a.Name
	}
	switch a.Verb {
	case "delete", "clear":
		return a.Verb + " of " + a.Name
	case "assign":
		return "write to " + a.Name
	}
	return a.Verb + " writing " + a.Name
}
