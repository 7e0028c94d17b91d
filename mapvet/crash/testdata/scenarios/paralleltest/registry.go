// Package paralleltest keeps a registry of names; its test runs parallel
// subtests that all register into one registry.
//
// Modeled on justtrackio/gosoline#289 ("test: fixed concurrent map write
// issue"): parallel tests shared a fixture whose map each test wrote.
package paralleltest

// Registry counts registrations per name.
type Registry struct {
	names map[string]int
}

// New returns an empty registry.
func New() *Registry { return &Registry{names: map[string]int{}} }

// Add registers name.
func (r *Registry) Add(name string) {
	r.names[name]++ // writer
}
