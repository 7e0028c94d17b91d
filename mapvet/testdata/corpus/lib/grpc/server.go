// Package grpc is a minimal stand-in for the server side of
// google.golang.org/grpc, which the corpus module gets through a replace
// directive instead of the real module: the cases import the real path, as
// the code they are modeled on does, and nothing is downloaded. Generated
// code registers a ServiceDesc through a ServiceRegistrar, whose handlers
// call the implementation's methods, and the server runs every incoming
// call on a goroutine of its own, as grpc-go does. Two calls of the same
// service may therefore run at the same time.
package grpc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// MethodHandler decodes a unary request with dec and calls the service.
type MethodHandler func(srv any, ctx context.Context, dec func(any) error) (any, error)

// StreamHandler serves one streaming call.
type StreamHandler func(srv any, stream ServerStream) error

// MethodDesc describes a unary method.
type MethodDesc struct {
	MethodName string
	Handler    MethodHandler
}

// StreamDesc describes a streaming method.
type StreamDesc struct {
	StreamName    string
	Handler       StreamHandler
	ServerStreams bool
	ClientStreams bool
}

// ServiceDesc describes a service, as protoc-gen-go-grpc generates it.
type ServiceDesc struct {
	ServiceName string
	HandlerType any
	Methods     []MethodDesc
	Streams     []StreamDesc
}

// ServerStream is the server side of a streaming call.
type ServerStream interface {
	Context() context.Context
	SendMsg(m any) error
	RecvMsg(m any) error
}

// Call is one incoming call as the transport hands it over: a unary call
// has Decode and Reply, a streaming call has Stream.
type Call struct {
	FullMethod string // "/package.Service/Method"
	Ctx        context.Context
	Decode     func(any) error
	Reply      func(any, error)
	Stream     ServerStream
}

type service struct {
	impl    any
	methods map[string]*MethodDesc
	streams map[string]*StreamDesc
}

// ServiceRegistrar registers services; generated Register functions take
// one.
type ServiceRegistrar interface {
	RegisterService(sd *ServiceDesc, impl any)
}

// Server dispatches calls to registered services.
type Server struct {
	mu       sync.Mutex
	services map[string]*service
	serving  bool
}

// NewServer returns a server with no services.
func NewServer() *Server {
	return &Server{services: make(map[string]*service)}
}

// RegisterService registers impl for sd; it must be called before Serve.
func (s *Server) RegisterService(sd *ServiceDesc, impl any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.serving {
		panic(fmt.Sprintf("grpc: RegisterService(%q) after Serve", sd.ServiceName))
	}
	svc := &service{impl: impl, methods: map[string]*MethodDesc{}, streams: map[string]*StreamDesc{}}
	for i := range sd.Methods {
		svc.methods[sd.Methods[i].MethodName] = &sd.Methods[i]
	}
	for i := range sd.Streams {
		svc.streams[sd.Streams[i].StreamName] = &sd.Streams[i]
	}
	s.services[sd.ServiceName] = svc
}

// Serve handles calls until the channel is closed, each on its own
// goroutine.
func (s *Server) Serve(calls <-chan *Call) error {
	s.mu.Lock()
	s.serving = true
	s.mu.Unlock()
	for c := range calls {
		go s.handle(c)
	}
	return errors.New("grpc: transport closed")
}

func (s *Server) handle(c *Call) {
	name, method, ok := strings.Cut(strings.TrimPrefix(c.FullMethod, "/"), "/")
	s.mu.Lock()
	svc := s.services[name]
	s.mu.Unlock()
	if !ok || svc == nil {
		if c.Reply != nil {
			c.Reply(nil, fmt.Errorf("grpc: unknown service %q", name))
		}
		return
	}
	if md := svc.methods[method]; md != nil {
		resp, err := md.Handler(svc.impl, c.Ctx, c.Decode)
		c.Reply(resp, err)
		return
	}
	if sd := svc.streams[method]; sd != nil {
		_ = sd.Handler(svc.impl, c.Stream)
		return
	}
	if c.Reply != nil {
		c.Reply(nil, fmt.Errorf("grpc: unknown method %q", c.FullMethod))
	}
}
