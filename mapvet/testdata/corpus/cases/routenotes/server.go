// Package routenotes is modeled on grpc-go's route guide example server:
// RouteChat, a streaming method that the gRPC server runs once per client
// stream, each on its own goroutine, appends to and reads s.routeNotes with
// no lock, so two clients chatting at once write the map concurrently.
//
// Report: https://github.com/grpc/grpc-go/issues/1751
package routenotes

import (
	"context"
	"errors"
	"fmt"
	"io"

	"corpus/cases/routenotes/routeguidepb"
	"google.golang.org/grpc"
)

type routeGuideServer struct {
	savedFeatures []*routeguidepb.Feature // read-only after NewServer
	routeNotes    map[string][]*routeguidepb.RouteNote
}

// GetFeature returns the feature at a point, or an unnamed feature.
func (s *routeGuideServer) GetFeature(ctx context.Context, point *routeguidepb.Point) (*routeguidepb.Feature, error) {
	for _, feature := range s.savedFeatures {
		if *feature.Location == *point {
			return feature, nil
		}
	}
	return &routeguidepb.Feature{Location: point}, nil
}

// RouteChat receives notes and sends back every note left at the same
// location so far.
func (s *routeGuideServer) RouteChat(stream routeguidepb.RouteGuide_RouteChatServer) error {
	for {
		in, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		key := serialize(in.Location)
		s.routeNotes[key] = append(s.routeNotes[key], in)             // race: b every RouteChat stream runs on its own goroutine and writes s.routeNotes
		rn := make([]*routeguidepb.RouteNote, len(s.routeNotes[key])) // race: b reads s.routeNotes while other streams write it
		copy(rn, s.routeNotes[key])                                   // race: b reads s.routeNotes while other streams write it
		for _, note := range rn {
			if err := stream.Send(note); err != nil {
				return err
			}
		}
	}
}

func serialize(point *routeguidepb.Point) string {
	return fmt.Sprintf("%d %d", point.Latitude, point.Longitude)
}

// NewServer registers a route guide service on s.
func NewServer(s grpc.ServiceRegistrar, features []*routeguidepb.Feature) {
	routeguidepb.RegisterRouteGuideServer(s, &routeGuideServer{ // race: b registers the service whose streams the server runs concurrently
		savedFeatures: features,
		routeNotes:    make(map[string][]*routeguidepb.RouteNote),
	})
}
