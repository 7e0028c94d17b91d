package ops

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Concurrent entry points. A server runs the functions it is given on
// goroutines of its own, many at once, for as long as it serves:
//
//	http.HandleFunc("/login", s.login)       // each request runs s.login on a goroutine
//	mux.Handle("/stats", statsHandler{s})    // and statsHandler.ServeHTTP
//	http.ListenAndServe(addr, h)             // h.ServeHTTP
//	pb.RegisterGreeterServer(grpcServer, g)  // every method of the Greeter service
//
// EntryPoints returns one Start for each function such a call registers,
// with the Kind that names the server. The engine takes each for a
// goroutine that may run alongside itself and every other, and is never
// joined.

// serverFuncs are the registration functions of net/http, and which
// argument is the handler (a method's receiver is argument 0).
var serverFuncs = map[string]int{
	"net/http.HandleFunc":                  1,
	"(*net/http.ServeMux).HandleFunc":      2,
	"net/http.Handle":                      1,
	"(*net/http.ServeMux).Handle":          2,
	"net/http.ListenAndServe":              1,
	"net/http.ListenAndServeTLS":           3,
	"net/http.Serve":                       1,
	"net/http.ServeTLS":                    1,
	"net/http/httptest.NewServer":          0,
	"net/http/httptest.NewTLSServer":       0,
	"net/http/httptest.NewUnstartedServer": 0,
}

// EntryPoints returns the functions instr registers with a server that
// runs them concurrently: net/http handlers, and gRPC service
// implementations (a call of a generated Register<Service>Server).
func EntryPoints(instr ssa.Instruction) []*Start {
	call, ok := instr.(*ssa.Call)
	if !ok {
		return nil
	}
	fn := call.Call.StaticCallee()
	if fn == nil {
		return nil
	}
	args := call.Call.Args
	if i, ok := serverFuncs[FuncName(fn)]; ok && i < len(args) {
		return handler(args[i], instr, HTTPHandler)
	}
	if isGRPCRegister(fn) {
		return methods(args[1], instr)
	}
	return nil
}

// handler returns the start of what an http.Handler (or a handler
// function) value runs.
func handler(v ssa.Value, instr ssa.Instruction, kind StartKind) []*Start {
	v = unwrap(v)
	if f, binds := funcValue(v); f != nil {
		return []*Start{{Kind: kind, Fn: f, Binds: binds, Pos: instr.Pos()}}
	}
	mi, ok := v.(*ssa.MakeInterface)
	if !ok {
		return nil
	}
	if f, binds := funcValue(unwrap(mi.X)); f != nil { // http.HandlerFunc(f)
		return []*Start{{Kind: kind, Fn: f, Binds: binds, Pos: instr.Pos()}}
	}
	m := method(instr.Parent().Prog, mi.X.Type(), "ServeHTTP")
	if m == nil {
		return nil
	}
	return []*Start{{Kind: kind, Fn: m, Args: []ssa.Value{mi.X}, Pos: instr.Pos()}}
}

// methods returns a start for each method of a gRPC service interface
// that the registered value's concrete type implements.
func methods(v ssa.Value, instr ssa.Instruction) []*Start {
	mi, ok := unwrap(v).(*ssa.MakeInterface)
	if !ok {
		return nil
	}
	iface, ok := v.Type().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var out []*Start
	for i := range iface.NumMethods() {
		name := iface.Method(i).Name()
		if !token.IsExported(name) || strings.HasPrefix(name, "mustEmbed") {
			continue
		}
		if m := method(instr.Parent().Prog, mi.X.Type(), name); m != nil && m.Synthetic == "" {
			out = append(out, &Start{Kind: GRPCMethod, Fn: m, Args: []ssa.Value{mi.X}, Pos: instr.Pos()})
		}
	}
	return out
}

// isGRPCRegister reports whether fn is a generated Register<Service>Server
// function: (s grpc.ServiceRegistrar, srv <Service>Server).
func isGRPCRegister(fn *ssa.Function) bool {
	if !strings.HasPrefix(fn.Name(), "Register") || !strings.HasSuffix(fn.Name(), "Server") {
		return false
	}
	p := fn.Signature.Params()
	if p.Len() != 2 {
		return false
	}
	reg, ok := types.Unalias(p.At(0).Type()).(*types.Named)
	if !ok || reg.Obj().Pkg() == nil || reg.Obj().Pkg().Path() != "google.golang.org/grpc" {
		return false
	}
	_, isIface := p.At(1).Type().Underlying().(*types.Interface)
	return isIface
}

func method(prog *ssa.Program, t types.Type, name string) *ssa.Function {
	ms := prog.MethodSets.MethodSet(t)
	for i := range ms.Len() {
		if sel := ms.At(i); sel.Obj().Name() == name {
			return prog.MethodValue(sel)
		}
	}
	return nil
}

// unwrap looks through conversions.
func unwrap(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.ChangeType:
			v = x.X
		case *ssa.ChangeInterface:
			v = x.X
		default:
			return v
		}
	}
}
