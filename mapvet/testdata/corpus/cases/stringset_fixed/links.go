// Package stringset is the fixed twin of cases/stringset: the set is used
// through a pointer and its methods have pointer receivers, so every call
// locks the one mutex.
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

func newUniqueStrings() *uniqueStrings {
	return &uniqueStrings{set: make(map[string]struct{})}
}

// Insert adds s and reports whether it was new.
func (u *uniqueStrings) Insert(s string) bool {
	u.Lock()
	defer u.Unlock()
	if _, dup := u.set[s]; dup {
		return false
	}
	u.set[s] = struct{}{}
	return true
}

// Sorted returns the strings in order.
func (u *uniqueStrings) Sorted() []string {
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
		go func() {
			defer wg.Done()
			for _, l := range linkRE.FindAllString(render(r), -1) {
				links.Insert(l)
			}
		}()
	}
	wg.Wait()
	return links.Sorted()
}
