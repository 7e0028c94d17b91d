// Package muxstack is the fixed twin of cases/muxstack: the route's
// variables travel in the request's context instead of package and route
// maps shared by every request.
//
// Report: https://github.com/go-zoo/bone/issues/39
package muxstack

import (
	"context"
	"net/http"
	"strings"
)

type varsKey struct{}

// Route is a pattern like /users/:id and its handler.
type Route struct {
	Pattern string
	Handler http.Handler
}

// Mux matches requests against its routes.
type Mux struct {
	routes   []*Route
	NotFound http.Handler
}

// New returns an empty mux.
func New() *Mux { return &Mux{NotFound: http.NotFoundHandler()} }

// Get registers a handler for GET requests matching pattern.
func (m *Mux) Get(pattern string, h http.Handler) {
	m.routes = append(m.routes, &Route{Pattern: pattern, Handler: h})
}

// ServeHTTP dispatches req to the first matching route.
func (m *Mux) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	if req.Method == http.MethodGet {
		for _, r := range m.routes {
			if vars, ok := match(r.Pattern, req.URL.Path); ok {
				r.Handler.ServeHTTP(rw, req.WithContext(context.WithValue(req.Context(), varsKey{}, vars)))
				return
			}
		}
	}
	m.NotFound.ServeHTTP(rw, req)
}

// GetValue returns the route variable key of the request being served.
func GetValue(req *http.Request, key string) string {
	vars, _ := req.Context().Value(varsKey{}).(map[string]string)
	return vars[key]
}

func match(pattern, path string) (map[string]string, bool) {
	ps, xs := strings.Split(strings.Trim(pattern, "/"), "/"), strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	vars := make(map[string]string)
	for i, p := range ps {
		switch {
		case strings.HasPrefix(p, ":"):
			vars[p[1:]] = xs[i]
		case p != xs[i]:
			return nil, false
		}
	}
	return vars, true
}
