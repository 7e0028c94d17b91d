// Package routeguidepb holds the messages and service stubs of the route
// guide service, in the shape protoc-gen-go-grpc generates them.
//
// Report: https://github.com/grpc/grpc-go/issues/1751
package routeguidepb

import (
	"context"

	"google.golang.org/grpc"
)

// Point is a latitude-longitude pair in E7 representation.
type Point struct {
	Latitude  int32
	Longitude int32
}

// Feature names something at a point.
type Feature struct {
	Name     string
	Location *Point
}

// RouteNote is a message sent while at a point.
type RouteNote struct {
	Location *Point
	Message  string
}

// RouteGuide_RouteChatServer is the server side of RouteChat.
type RouteGuide_RouteChatServer interface {
	Send(*RouteNote) error
	Recv() (*RouteNote, error)
	grpc.ServerStream
}

// RouteGuideServer is the service implementation.
type RouteGuideServer interface {
	GetFeature(context.Context, *Point) (*Feature, error)
	RouteChat(RouteGuide_RouteChatServer) error
}

// RegisterRouteGuideServer registers srv with s.
func RegisterRouteGuideServer(s grpc.ServiceRegistrar, srv RouteGuideServer) {
	s.RegisterService(&routeGuideServiceDesc, srv)
}

func getFeatureHandler(srv any, ctx context.Context, dec func(any) error) (any, error) {
	in := new(Point)
	if err := dec(in); err != nil {
		return nil, err
	}
	return srv.(RouteGuideServer).GetFeature(ctx, in)
}

func routeChatHandler(srv any, stream grpc.ServerStream) error {
	return srv.(RouteGuideServer).RouteChat(&routeGuideRouteChatServer{stream})
}

type routeGuideRouteChatServer struct {
	grpc.ServerStream
}

func (x *routeGuideRouteChatServer) Send(m *RouteNote) error {
	return x.ServerStream.SendMsg(m)
}

func (x *routeGuideRouteChatServer) Recv() (*RouteNote, error) {
	m := new(RouteNote)
	if err := x.ServerStream.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

var routeGuideServiceDesc = grpc.ServiceDesc{
	ServiceName: "routeguide.RouteGuide",
	HandlerType: (*RouteGuideServer)(nil),
	Methods: []grpc.MethodDesc{
		{MethodName: "GetFeature", Handler: getFeatureHandler},
	},
	Streams: []grpc.StreamDesc{
		{StreamName: "RouteChat", Handler: routeChatHandler, ServerStreams: true, ClientStreams: true},
	},
}
