// Package lazyuse calls package lazy's static table from goroutines, as
// gRPC's transports call hpack's encoder: what package lazy does is known
// here only through its summaries.
package lazyuse

import "lazy"

func encode() {
	for i := 0; i < 2; i++ {
		go func() { _ = lazy.Find("x") }()
	}
}
