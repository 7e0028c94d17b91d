// Package routecache is modeled on the fireball web framework: App's
// ServeHTTP asks its Router to match the request, and BasicRouter.Match
// memoizes matches in a map it writes on every cache miss, with no lock,
// from every request goroutine net/http starts.
//
// Report: https://github.com/ridgelines/fireball/issues/6
package routecache

import (
	"net/http"
	"strings"
)

// Handler serves a matched request.
type Handler func(w http.ResponseWriter, r *http.Request, params map[string]string)

// Route maps a path template and method to a handler.
type Route struct {
	Path    string
	Method  string
	Handler Handler
}

// RouteMatch is a route with the path parameters of one request.
type RouteMatch struct {
	Handler    Handler
	PathParams map[string]string
}

// Router finds the route for a request.
type Router interface {
	Match(r *http.Request) (*RouteMatch, error)
}

// BasicRouter matches routes in order and caches the results.
type BasicRouter struct {
	Routes []*Route
	cache  map[string]*RouteMatch
}

// NewBasicRouter returns a router over routes.
func NewBasicRouter(routes []*Route) *BasicRouter {
	return &BasicRouter{Routes: routes, cache: make(map[string]*RouteMatch)}
}

// Match returns the first route that matches r, or nil.
func (b *BasicRouter) Match(r *http.Request) (*RouteMatch, error) {
	key := r.Method + " " + r.URL.Path
	if m, ok := b.cache[key]; ok { // race: b reads b.cache while another request's Match writes it
		return m, nil
	}
	for _, route := range b.Routes {
		if params, ok := matchPath(route.Path, r.URL.Path); ok && route.Method == r.Method {
			m := &RouteMatch{Handler: route.Handler, PathParams: params}
			b.cache[key] = m // race: b every request goroutine may write b.cache
			return m, nil
		}
	}
	return nil, nil
}

// App is an http.Handler over a Router.
type App struct {
	Router   Router
	NotFound http.HandlerFunc
}

// NewApp returns an app with a BasicRouter over routes.
func NewApp(routes []*Route) *App {
	return &App{Router: NewBasicRouter(routes), NotFound: http.NotFound}
}

func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m, err := a.Router.Match(r) // race: b every request goroutine calls Match through the Router interface
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if m == nil {
		a.NotFound(w, r)
		return
	}
	m.Handler(w, r, m.PathParams)
}

func matchPath(template, path string) (map[string]string, bool) {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return nil, false
	}
	params := make(map[string]string)
	for i := range ts {
		if strings.HasPrefix(ts[i], "{") && strings.HasSuffix(ts[i], "}") {
			params[ts[i][1:len(ts[i])-1]] = ps[i]
		} else if ts[i] != ps[i] {
			return nil, false
		}
	}
	return params, true
}
