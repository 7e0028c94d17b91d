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
