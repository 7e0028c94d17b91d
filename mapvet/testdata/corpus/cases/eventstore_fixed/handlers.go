// Package eventstore is the fixed twin of cases/eventstore: an RWMutex
// guards the store; handlers copy what they need under it.
//
// Report: https://github.com/falcosecurity/falcosidekick-ui/pull/17
package eventstore

import (
	"encoding/json"
	"net/http"
	"sort"
	"sync"
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
	mu         sync.RWMutex
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
	mux.HandleFunc("POST /api/push", s.push)
	mux.HandleFunc("GET /api/events", s.list)
	mux.HandleFunc("GET /api/stats", func(w http.ResponseWriter, r *http.Request) {
		stats := map[string]map[string]int{"priority": {}, "rule": {}}
		s.mu.RLock()
		for p, n := range s.byPriority {
			stats["priority"][p] = n
		}
		for rule, n := range s.byRule {
			stats["rule"][rule] = n
		}
		s.mu.RUnlock()
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
	s.mu.Lock()
	s.events[ev.UUID] = ev
	s.byPriority[ev.Priority]++
	s.byRule[ev.Rule]++
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (s *store) list(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	events := make([]Event, 0, len(s.events))
	for _, ev := range s.events {
		events = append(events, ev)
	}
	s.mu.RUnlock()
	sort.Slice(events, func(i, j int) bool { return events[i].Time.After(events[j].Time) })
	_ = json.NewEncoder(w).Encode(events)
}
