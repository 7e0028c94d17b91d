// Package once builds a table with sync.Once; it is analysed with the
// standard library (sync.Once.Do's body included).
package once

import "sync"

// A table built once, by sync.Once: the build is ordered before every
// return from Do.
var (
	headerOnce sync.Once
	header     map[string]string
)

func initHeader() {
	header = make(map[string]string)
	header["accept"] = "Accept"
}

func canonical(k string) string {
	headerOnce.Do(initHeader)
	return header[k]
}

func canonicalFromGoroutines() {
	go canonical("a")
	go canonical("b")
	_ = canonical("c")
}
