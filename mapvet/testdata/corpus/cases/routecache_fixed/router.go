// Package routecache is the fixed twin of cases/routecache: an RWMutex
// guards the router's match cache.
//
// Report: https://github.com/ridgelines/fireball/issues/6
package routecache

import (
	"net/http"
	"strings"
	"sync"
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
	mu     sync.RWMutex
	cache  map[string]*RouteMatch
}

// NewBasicRouter returns a router over routes.
func NewBasicRouter(routes []*Route) *BasicRouter {
	return &BasicRouter{Routes: routes, cache: make(map[string]*RouteMatch)}
}

// Match returns the first route that matches r, or nil.
func (b *BasicRouter) Match(r *http.Request) (*RouteMatch, error) {
	key := r.Method + " " + r.URL.Path
	b.mu.RLock()
	m, ok := b.cache[key]
	b.mu.RUnlock()
	if ok {
		return m, nil
	}
	for _, route := range b.Routes {
		if params, ok := matchPath(route.Path, r.URL.Path); ok && route.Method == r.Method {
			m := &RouteMatch{Handler: route.Handler, PathParams: params}
			b.mu.Lock()
			b.cache[key] = m
			b.mu.Unlock()
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
	m, err := a.Router.Match(r)
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
