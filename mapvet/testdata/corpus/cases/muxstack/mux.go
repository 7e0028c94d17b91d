// Package muxstack is modeled on the bone router: ServeHTTP records the
// serving mux in a package-level map keyed by request so that handlers can
// find their route's variables, and deletes the entry when the request is
// done. net/http runs ServeHTTP on one goroutine per connection.
//
// Report: https://github.com/go-zoo/bone/issues/39
package muxstack

import (
	"net/http"
	"strings"
)

var muxStack = make(map[*http.Request]*Mux)

// Route is a pattern like /users/:id and its handler.
type Route struct {
	Pattern string
	Handler http.Handler
	vars    map[*http.Request]map[string]string
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
	m.routes = append(m.routes, &Route{Pattern: pattern, Handler: h, vars: make(map[*http.Request]map[string]string)})
}

// ServeHTTP dispatches req to the first matching route.
func (m *Mux) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	muxStack[req] = m           // race: b every request's goroutine writes the package map muxStack
	defer delete(muxStack, req) // race: b every request's goroutine deletes from muxStack
	if req.Method == http.MethodGet {
		for _, r := range m.routes {
			if vars, ok := match(r.Pattern, req.URL.Path); ok {
				r.vars[req] = vars // race: b every request's goroutine writes the route's vars map
				r.Handler.ServeHTTP(rw, req)
				delete(r.vars, req)
				return
			}
		}
	}
	m.NotFound.ServeHTTP(rw, req)
}

// GetValue returns the route variable key of the request being served.
func GetValue(req *http.Request, key string) string {
	m, ok := muxStack[req] // race: b handlers read muxStack while other requests write it
	if !ok {
		return ""
	}
	for _, r := range m.routes {
		if vars, ok := r.vars[req]; ok { // race: b handlers read the route's vars while other requests write them
			return vars[key]
		}
	}
	return ""
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
