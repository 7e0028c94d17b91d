// Package routenotes is the fixed twin of cases/routenotes: s.mu guards
// s.routeNotes, and RouteChat copies the notes under it before sending.
//
// Report: https://github.com/grpc/grpc-go/issues/1751
package routenotes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"corpus/cases/routenotes_fixed/routeguidepb"
	"google.golang.org/grpc"
)

type routeGuideServer struct {
	savedFeatures []*routeguidepb.Feature // read-only after NewServer

	mu         sync.Mutex // protects routeNotes
	routeNotes map[string][]*routeguidepb.RouteNote
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
		s.mu.Lock()
		s.routeNotes[key] = append(s.routeNotes[key], in)
		rn := make([]*routeguidepb.RouteNote, len(s.routeNotes[key]))
		copy(rn, s.routeNotes[key])
		s.mu.Unlock()
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
	routeguidepb.RegisterRouteGuideServer(s, &routeGuideServer{
		savedFeatures: features,
		routeNotes:    make(map[string][]*routeguidepb.RouteNote),
	})
}
