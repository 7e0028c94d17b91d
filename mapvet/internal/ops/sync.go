package ops

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// SyncKind is the kind of a synchronising operation.
type SyncKind uint8

const (
	Lock          SyncKind = iota + 1 // Mutex.Lock, RWMutex.Lock, Locker.Lock
	RLock                             // RWMutex.RLock
	Unlock                            // Mutex.Unlock, RWMutex.Unlock, Locker.Unlock
	RUnlock                           // RWMutex.RUnlock
	TryLock                           // Mutex.TryLock, RWMutex.TryLock: held when it returns true
	TryRLock                          // RWMutex.TryRLock
	WaitGroupDone                     // WaitGroup.Done
	Wait                              // WaitGroup.Wait, errgroup.Group.Wait
	ChanSend                          // ch <- v (also a send case of a select)
	ChanClose                         // close(ch)
	ChanRecv                          // <-ch, v, ok := <-ch, for v := range ch
)

// SyncOp is one synchronising operation. Obj is the mutex, WaitGroup or
// errgroup.Group (a pointer to it), or the channel.
type SyncOp struct {
	Kind SyncKind
	Obj  ssa.Value
	Pos  token.Pos
}

var syncMethods = map[string]SyncKind{
	"(*sync.Mutex).Lock":                       Lock,
	"(*sync.Mutex).Unlock":                     Unlock,
	"(*sync.Mutex).TryLock":                    TryLock,
	"(*sync.RWMutex).Lock":                     Lock,
	"(*sync.RWMutex).Unlock":                   Unlock,
	"(*sync.RWMutex).TryLock":                  TryLock,
	"(*sync.RWMutex).RLock":                    RLock,
	"(*sync.RWMutex).RUnlock":                  RUnlock,
	"(*sync.RWMutex).TryRLock":                 TryRLock,
	"(*sync.WaitGroup).Done":                   WaitGroupDone,
	"(*sync.WaitGroup).Wait":                   Wait,
	"(*golang.org/x/sync/errgroup.Group).Wait": Wait,
}

// SyncOps returns the synchronising operations instr performs. A call
// instruction's operation is reported whether it is a call, a defer or a go
// statement; the caller decides what a deferred unlock means.
func SyncOps(instr ssa.Instruction) []SyncOp {
	switch in := instr.(type) {
	case ssa.CallInstruction:
		if op, ok := callSync(in.Common(), in.Pos()); ok {
			return []SyncOp{op}
		}
	case *ssa.Send:
		return []SyncOp{{ChanSend, in.Chan, in.Pos()}}
	case *ssa.UnOp:
		if in.Op == token.ARROW {
			return []SyncOp{{ChanRecv, in.X, in.Pos()}}
		}
	case *ssa.Select:
		var out []SyncOp
		for _, st := range in.States {
			if st.Dir == types.SendOnly {
				out = append(out, SyncOp{ChanSend, st.Chan, st.Pos})
			}
		}
		return out
	}
	return nil
}

func callSync(c *ssa.CallCommon, pos token.Pos) (SyncOp, bool) {
	if c.IsInvoke() {
		// l.Lock() on a sync.Locker: the lock is whatever l holds.
		switch c.Method.Name() {
		case "Lock":
			if isLocker(c.Value.Type()) {
				return SyncOp{Lock, c.Value, pos}, true
			}
		case "Unlock":
			if isLocker(c.Value.Type()) {
				return SyncOp{Unlock, c.Value, pos}, true
			}
		}
		return SyncOp{}, false
	}
	if b, ok := c.Value.(*ssa.Builtin); ok {
		if b.Name() == "close" && len(c.Args) == 1 {
			return SyncOp{ChanClose, c.Args[0], pos}, true
		}
		return SyncOp{}, false
	}
	fn := c.StaticCallee()
	if fn == nil || len(c.Args) == 0 {
		return SyncOp{}, false
	}
	if k, ok := syncMethods[FuncName(fn)]; ok {
		return SyncOp{k, c.Args[0], pos}, true
	}
	return SyncOp{}, false
}

func isLocker(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "sync" && n.Obj().Name() == "Locker"
}

// StartKind is how a function is started on another goroutine.
type StartKind uint8

const (
	GoStmt        StartKind = iota + 1 // go f()
	AfterFunc                          // time.AfterFunc(d, f)
	ErrgroupGo                         // (*errgroup.Group).Go(f)
	ErrgroupTryGo                      // (*errgroup.Group).TryGo(f)
	WaitGroupGo                        // (*sync.WaitGroup).Go(f)
	HTTPHandler                        // a net/http handler: entry.go
	GRPCMethod                         // a gRPC service method: entry.go
)

// String is the API that starts the goroutine, as a Go programmer writes it.
func (k StartKind) String() string {
	switch k {
	case GoStmt:
		return "go statement"
	case AfterFunc:
		return "time.AfterFunc"
	case ErrgroupGo:
		return "errgroup.Group.Go"
	case ErrgroupTryGo:
		return "errgroup.Group.TryGo"
	case WaitGroupGo:
		return "sync.WaitGroup.Go"
	case HTTPHandler:
		return "net/http handler"
	case GRPCMethod:
		return "gRPC method"
	}
	return "?"
}

// Start is a place where a function starts running on another goroutine.
type Start struct {
	Kind   StartKind
	Fn     *ssa.Function   // the function that runs (nil when not known statically)
	Value  ssa.Value       // the function value that runs, when Fn is nil (a parameter, a field, ...)
	Invoke *ssa.CallCommon // go x.M(): an interface method call
	Binds  []ssa.Value     // Fn's free variables, when it is a closure
	Args   []ssa.Value     // Fn's parameters (a method's receiver first)
	Group  ssa.Value       // the WaitGroup or errgroup.Group whose Wait joins it
	Pos    token.Pos
}

var startFuncs = map[string]struct {
	kind      StartKind
	fn, group int // argument indexes; group -1: none
}{
	"time.AfterFunc":                            {AfterFunc, 1, -1},
	"(*golang.org/x/sync/errgroup.Group).Go":    {ErrgroupGo, 1, 0},
	"(*golang.org/x/sync/errgroup.Group).TryGo": {ErrgroupTryGo, 1, 0},
	"(*sync.WaitGroup).Go":                      {WaitGroupGo, 1, 0},
}

// StartOf returns the goroutine start instr performs, or nil.
func StartOf(instr ssa.Instruction) *Start {
	switch in := instr.(type) {
	case *ssa.Go:
		s := &Start{Kind: GoStmt, Pos: in.Pos()}
		c := in.Common()
		if c.IsInvoke() {
			s.Invoke = c
			return s
		}
		s.Fn, s.Binds = funcValue(c.Value)
		s.Args = c.Args
		if s.Fn == nil {
			s.Value = c.Value
		}
		return s
	case *ssa.Call:
		fn := in.Common().StaticCallee()
		if fn == nil {
			return nil
		}
		sf, ok := startFuncs[FuncName(fn)]
		if !ok || sf.fn >= len(in.Call.Args) {
			return nil
		}
		s := &Start{Kind: sf.kind, Pos: in.Pos()}
		s.Fn, s.Binds = funcValue(in.Call.Args[sf.fn])
		if s.Fn == nil {
			s.Value = in.Call.Args[sf.fn]
		}
		if sf.group >= 0 {
			s.Group = in.Call.Args[sf.group]
		}
		return s
	}
	return nil
}

// funcValue returns the function a func-typed value calls, and its
// bindings when it is a closure.
func funcValue(v ssa.Value) (*ssa.Function, []ssa.Value) {
	switch v := v.(type) {
	case *ssa.Function:
		return v, nil
	case *ssa.MakeClosure:
		if fn, ok := v.Fn.(*ssa.Function); ok {
			return fn, v.Bindings
		}
	case *ssa.ChangeType:
		return funcValue(v.X)
	}
	return nil, nil
}

// FuncValue returns the function a func-typed value calls, and its
// bindings when it is a closure (nil when it is not known here).
func FuncValue(v ssa.Value) (*ssa.Function, []ssa.Value) { return funcValue(v) }

// Callee returns the function a call instruction calls statically, with the
// closure bindings when it calls a closure literal directly, or nil.
func Callee(c *ssa.CallCommon) (*ssa.Function, []ssa.Value) {
	if c.IsInvoke() {
		return nil, nil
	}
	if _, ok := c.Value.(*ssa.Builtin); ok {
		return nil, nil
	}
	return funcValue(c.Value)
}

// noReturn are the standard library's functions that never return (the
// engine finds other packages' own, from their bodies).
var noReturn = map[string]bool{
	"os.Exit":                   true,
	"syscall.Exit":              true,
	"runtime.Goexit":            true,
	"log.Fatal":                 true,
	"log.Fatalf":                true,
	"log.Fatalln":               true,
	"log.Panic":                 true,
	"log.Panicf":                true,
	"log.Panicln":               true,
	"(*log.Logger).Fatal":       true,
	"(*log.Logger).Fatalf":      true,
	"(*log.Logger).Fatalln":     true,
	"(*log.Logger).Panic":       true,
	"(*log.Logger).Panicf":      true,
	"(*log.Logger).Panicln":     true,
	"(*testing.common).FailNow": true,
	"(*testing.common).Fatal":   true,
	"(*testing.common).Fatalf":  true,
	"(*testing.common).SkipNow": true,
	"(*testing.common).Skip":    true,
	"(*testing.common).Skipf":   true,
}

// tbNoReturn are the methods of testing.TB (and of *testing.T, B and F,
// which promote testing.common's) that never return.
var tbNoReturn = map[string]bool{"FailNow": true, "Fatal": true, "Fatalf": true, "SkipNow": true, "Skip": true, "Skipf": true}

// NoReturn reports whether a call is to a standard library function that
// never returns: os.Exit, log.Fatal, t.Fatal, ...
func NoReturn(c *ssa.CallCommon) bool {
	if c.IsInvoke() {
		return tbNoReturn[c.Method.Name()] && isTestingType(c.Value.Type())
	}
	fn := c.StaticCallee()
	if fn == nil {
		return false
	}
	if noReturn[FuncName(fn)] {
		return true
	}
	// A promoted method's wrapper: (*testing.T).Fatal.
	if recv := fn.Signature.Recv(); recv != nil && tbNoReturn[fn.Name()] {
		return isTestingType(recv.Type())
	}
	return false
}

func isTestingType(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "testing"
}

// OnceCall reports whether fn is sync.Once's Do: it runs its function at
// most once, and every call returns after that run finished, so what the
// function does is initialization, ordered before whatever follows any
// call of Do. (Its body, analysed when the standard library is, calls the
// function under the Once's own mutex; taken as a lock, that made every
// lazily built table look racy.)
func OnceCall(fn *ssa.Function) bool {
	return FuncName(fn) == "(*sync.Once).Do"
}
