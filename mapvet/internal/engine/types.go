package engine

import (
	"go/token"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/ssa"
)

// The engine's results are data: positions are token.Pos values of the
// pass's FileSet (a position from another package's summary included; see
// position.go), maps and locks are ref.Refs, and how things happen are
// typed values. The checks word their own messages from them.

// Access is one map access, named in the namespace of the function it is
// reported for.
type Access struct {
	Ref     ref.Ref
	Name    string      // the map as the program spells it in that namespace, e.g. "s.m"
	TypeKey ref.TypeKey // the map at the type level, "" if it has none
	Kind    ops.Kind
	Verb    string    // the operation: "assign", "delete", "range", "maps.Clone", ...
	Pos     token.Pos // in the reported function: the operation, or the call or defer that leads to it; NoPos if none
	Op      token.Pos // the operation itself, wherever it is
	Via     *Call     // the call of the reported function it happens in; nil when the function does it itself
	Locks   LockSet   // locks held while it happens
	Here    LockSet   // of those, the ones the reported function holds itself (at the access, or at the call leading to it)
	Fresh   bool      // the map or the struct holding it was allocated in this same function
	Nils    []ref.Ref // maps the path to the access found nil (lazy initialization); see nevernil.go
}

// Call is a call through which an access happens or a goroutine is
// started: a call of a function with a summary, in the analysed function.
type Call struct {
	Fn     *ssa.Function // the callee
	Caller *ssa.Function
	Recv   string    // a method call's receiver as the program spells it, "" if none or not nameable
	Pos    token.Pos // the call (or the defer statement)
}

// Literal reports whether the call is of a function literal.
func (c *Call) Literal() bool { return c != nil && c.Fn.Parent() != nil }

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
	Calls    []DynCall // calls of function values it was given (dyncall.go)
	NoReturn bool      // no path returns (it exits, panics or loops forever)

	// Returns gives, for each result, the Refs it may be when all are
	// known and portable (a method returning its receiver's map field);
	// nil otherwise. ReturnKeys gives the results' TypeKeys likewise.
	// (returns.go)
	Returns    [][]ref.Ref
	ReturnKeys []ref.TypeKey
	// FreshResults says, for each result, whether every return gives a
	// new allocation (or nil): the caller holds the only reference.
	FreshResults []bool
}

func (s *Summary) empty() bool {
	return len(s.Accesses) == 0 && len(s.Dones) == 0 && len(s.Sends) == 0 && len(s.Waits) == 0 &&
		len(s.Recvs) == 0 && len(s.Acquires) == 0 && len(s.Releases) == 0 && len(s.Spawns) == 0 && len(s.Calls) == 0 && !s.NoReturn && len(s.Returns) == 0 && len(s.FreshResults) == 0
}

// Goroutine is a function started on another goroutine, with its effects
// named in the namespace of the function that started it.
type Goroutine struct {
	Index    int
	Instr    ssa.Instruction // the start in the analysed function (nil from a summary)
	Kind     ops.StartKind   // how the go statement, AfterFunc, ... started it
	By       *Call           // the call that started it, when a callee did (it returned with the goroutine running)
	Pos      token.Pos       // in the analysed function: the start, or the call By
	Start    token.Pos       // the go statement (AfterFunc call, ...) itself, wherever it is
	Accesses []Access
	Dones    []ref.Ref
	Sends    []ref.Ref
	Groups   []ref.Ref // the WaitGroup or errgroup.Group whose Wait joins it
	Calls    []DynCall // function values it calls that are not known yet
	// OnError: the function that started it returns with it running only
	// with a non-nil error; ErrValue is that call's error in the analysed
	// function (errjoin.go).
	OnError  bool
	ErrValue ssa.Value
	// RunsValue: the goroutine runs a function value the analysed function
	// passed (a goroutine helper such as g.Run(func() {...})): each call
	// starts another, so calls in a loop run side by side.
	RunsValue bool
	Siblings  bool   // another instance from the same start may run at the same time
	Origin    string // the function whose go statement (or AfterFunc, ...) started it
	Overlaps  []int  // indexes of other goroutines of the function that may run at the same time
}

// Spawned reports whether a function the analysed one calls started g.
func (g *Goroutine) Spawned() bool { return g.By != nil }

// Deferred is a deferred call of the analysed function and what it does
// when it runs.
type Deferred struct {
	Index    int
	Pos      token.Pos
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
