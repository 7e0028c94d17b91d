// Package stringset is modeled on a report to the Go issue tracker: a
// deduplicating string set whose constructor returns it by value and whose
// methods have value receivers, so each call locks a copy of the embedded
// mutex while the map inside is shared by all copies. The newsletter
// checker adds links from one goroutine per recipient.
//
// Report: https://github.com/golang/go/issues/20060
package stringset

import (
	"regexp"
	"sort"
	"sync"
)

type uniqueStrings struct {
	sync.Mutex
	set map[string]struct{}
}

func newUniqueStrings() uniqueStrings {
	return uniqueStrings{set: make(map[string]struct{})}
}

// Insert adds s and reports whether it was new.
func (u uniqueStrings) Insert(s string) bool { // race: d the value receiver locks a copy of the embedded mutex
	u.Lock()
	defer u.Unlock()
	if _, dup := u.set[s]; dup {
		return false
	}
	u.set[s] = struct{}{} // race: d concurrent Inserts write the shared map under different copies of the mutex
	return true
}

// Sorted returns the strings in order.
func (u uniqueStrings) Sorted() []string { // race: d the value receiver locks a copy of the embedded mutex
	u.Lock()
	defer u.Unlock()
	out := make([]string, 0, len(u.set))
	for s := range u.set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

var linkRE = regexp.MustCompile(`https?://[^\s"'<>]+`)

// Recipient is one newsletter recipient.
type Recipient struct {
	Email string
	Name  string
}

// CollectLinks renders the newsletter for every recipient in parallel and
// returns the distinct links found in the results.
func CollectLinks(recipients []Recipient, render func(Recipient) string) []string {
	links := newUniqueStrings()
	var wg sync.WaitGroup
	for _, r := range recipients {
		wg.Add(1)
		go func() { // race: d goroutines insert into the set concurrently
			defer wg.Done()
			for _, l := range linkRE.FindAllString(render(r), -1) {
				links.Insert(l) // race: d Insert locks a copy of the mutex
			}
		}()
	}
	wg.Wait()
	return links.Sorted()
}
