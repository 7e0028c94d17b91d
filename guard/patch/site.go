package patch

// Kind is what an edit does. mapguard check prints each site with its kind
// and sums them by group (Count).
type Kind int

// The kinds, in the order of mapguard check's summary.
const (
	WriteBegin     Kind = iota // a write starts: it fills the goroutine's record (maps)
	WriteEnd                   // a write ends: it marks the record done (maps)
	Fatal                      // a "concurrent map" fatal error reports the other side first (maps)
	IterLookup                 // the iterator's lookup after growth reports iteration (maps)
	Wrapped                    // Delete or Clear takes its wrapper's caller as a parameter (maps)
	WrapperCall                // a wrapper of Delete or Clear passes its caller down (maps, runtime)
	GField                     // type g gets the record (runtime)
	GReset                     // newproc1 empties the record of a reused g (runtime)
	ReflectCallers             // a reflect wrapper records its callers (runtime)
	StackFree                  // a goroutine's records of maps on a freed stack are forgotten (runtime)
	StrictInit                 // strict mode: a range notes where the map's writes stand (maps)
	StrictNext                 // strict mode: a range step checks for writes since (maps)
	numKinds
)

// kinds names each kind and the group of mapguard check's summary that
// counts it. TestKinds fails if a kind has no entry, so a new kind cannot
// be left out of the summary.
var kinds = [numKinds]struct{ name, group string }{
	WriteBegin:     {"write-begin", "write starts"},
	WriteEnd:       {"write-end", "write ends"},
	Fatal:          {"fatal", "fatal sites"},
	IterLookup:     {"iter-lookup", "iterator lookups"},
	Wrapped:        {"wrapped", "wrapper edits"},
	WrapperCall:    {"wrapper-call", "wrapper edits"},
	GField:         {"g-field", "runtime edits"},
	GReset:         {"g-reset", "runtime edits"},
	ReflectCallers: {"reflect-callers", "runtime edits"},
	StackFree:      {"stack-free", "stack frees"},
	StrictInit:     {"strict-init", "strict hooks"},
	StrictNext:     {"strict-next", "strict hooks"},
}

func (k Kind) String() string {
	if k < 0 || k >= numKinds {
		return "kind(?)"
	}
	return kinds[k].name
}

// Site is one edit, for mapguard check and for tests.
type Site struct {
	File string // relative to GOROOT/src
	Line int
	Func string // (*Map).Delete, runtime_mapassign_fast64, ...
	Kind Kind
	Note string // the fatal message, for fatal sites
}

// Tally is one group of mapguard check's summary: N sites whose kinds
// Label names ("write starts").
type Tally struct {
	Label string
	N     int
}

// Count sums sites by group, in the order of the kinds; groups without a
// site are left out (the strict hooks, without strict mode).
func Count(sites []Site) []Tally {
	var out []Tally
	index := map[string]int{}
	for k := range numKinds {
		g := kinds[k].group
		if _, ok := index[g]; !ok {
			index[g] = len(out)
			out = append(out, Tally{Label: g})
		}
	}
	for _, s := range sites {
		out[index[kinds[s.Kind].group]].N++
	}
	kept := out[:0]
	for _, t := range out {
		if t.N > 0 {
			kept = append(kept, t)
		}
	}
	return kept
}
