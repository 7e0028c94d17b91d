package httpsrv

import "net/http"

// A package-level default map handed to callers, who write it inside HTTP
// handlers (prometheus/client_golang#1274's shape).
var defaultLabels = map[string]string{"job": "api"}

func Labels() map[string]string { return defaultLabels }

func label(w http.ResponseWriter, r *http.Request) {
	l := Labels()
	l["path"] = r.URL.Path
}

func labelCopy(w http.ResponseWriter, r *http.Request) {
	l := map[string]string{}
	for k, v := range Labels() {
		l[k] = v
	}
	l["path"] = r.URL.Path
}

func ServeLabels() {
	http.HandleFunc("/label", label)    // want `requests that run the net/http handler registered here at the same time all write defaultLabels`
	http.HandleFunc("/copy", labelCopy) // want `the net/http handler registered here ranges over defaultLabels at defaults.go:18 while the net/http handler registered at defaults.go:25 writes it`
}

// client_golang's promhttp as shipped: labels returns the package default
// when the handler is not partitioned, a new map otherwise, and the
// middleware's handler adds labels to whichever it got.
var emptyLabels = map[string]string{}

func labels(code bool, status int) map[string]string {
	if !code {
		return emptyLabels
	}
	l := map[string]string{}
	l["code"] = http.StatusText(status)
	return l
}

func InstrumentCounter(code bool, extra map[string]func(*http.Request) string, next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		l := labels(code, 200)
		for k, f := range extra {
			l[k] = f(r) // want `requests run the handler function at the same time, and each run writes emptyLabels at defaults.go:\d+ with no lock`
		}
	}
}

// The fix: a new map on every call.
func labelsFixed(code bool, status int) map[string]string {
	l := map[string]string{}
	if code {
		l["code"] = http.StatusText(status)
	}
	return l
}

func InstrumentCounterFixed(code bool, extra map[string]func(*http.Request) string, next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		l := labelsFixed(code, 200)
		for k, f := range extra {
			l[k] = f(r)
		}
	}
}

// A handler that counts paths in a map it captured, with no lock.
func CountPaths(next http.Handler) http.HandlerFunc {
	seen := map[string]int{}
	return func(w http.ResponseWriter, r *http.Request) {
		seen[r.URL.Path]++ // want `requests run the handler function at the same time, and each run writes seen at defaults.go:\d+ with no lock`
		next.ServeHTTP(w, r)
	}
}
