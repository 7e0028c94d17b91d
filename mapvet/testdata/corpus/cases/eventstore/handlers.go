// Package eventstore is modeled on falcosidekick-ui: the push handler and
// the query handlers, functions registered with ServeMux.HandleFunc, all
// use the same in-memory store maps with no lock; net/http runs them on
// concurrent goroutines.
//
// Report: https://github.com/falcosecurity/falcosidekick-ui/pull/17
package eventstore

import (
	"encoding/json"
	"net/http"
	"sort"
	"time"
)

// Event is a Falco alert as falcosidekick forwards it.
type Event struct {
	UUID     string    `json:"uuid"`
	Output   string    `json:"output"`
	Priority string    `json:"priority"`
	Rule     string    `json:"rule"`
	Time     time.Time `json:"time"`
}

type store struct {
	events     map[string]Event
	byPriority map[string]int
	byRule     map[string]int
}

func newStore() *store {
	return &store{events: make(map[string]Event), byPriority: make(map[string]int), byRule: make(map[string]int)}
}

// NewMux returns the UI's API handlers over a fresh store.
func NewMux() *http.ServeMux {
	s := newStore()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/push", s.push)                                        // race: b registers a handler that net/http runs concurrently and that writes the store
	mux.HandleFunc("GET /api/events", s.list)                                       // race: b registers a handler that ranges the store while pushes write it
	mux.HandleFunc("GET /api/stats", func(w http.ResponseWriter, r *http.Request) { // race: b registers a handler that ranges the counters while pushes write them
		stats := map[string]map[string]int{"priority": {}, "rule": {}}
		for p, n := range s.byPriority { // race: b ranges s.byPriority while push handlers write it
			stats["priority"][p] = n
		}
		for rule, n := range s.byRule { // race: b ranges s.byRule while push handlers write it
			stats["rule"][rule] = n
		}
		_ = json.NewEncoder(w).Encode(stats)
	})
	return mux
}

func (s *store) push(w http.ResponseWriter, r *http.Request) {
	var ev Event
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.events[ev.UUID] = ev      // race: b concurrent push handlers write s.events
	s.byPriority[ev.Priority]++ // race: b concurrent push handlers write s.byPriority
	s.byRule[ev.Rule]++         // race: b concurrent push handlers write s.byRule
	w.WriteHeader(http.StatusAccepted)
}

func (s *store) list(w http.ResponseWriter, r *http.Request) {
	events := make([]Event, 0, len(s.events))
	for _, ev := range s.events { // race: b ranges s.events while push handlers write it
		events = append(events, ev)
	}
	sort.Slice(events, func(i, j int) bool { return events[i].Time.After(events[j].Time) })
	_ = json.NewEncoder(w).Encode(events)
}
