package a

import "time"

func afterFuncWrites(d time.Duration) {
	pending := map[string]bool{"a": true}
	time.AfterFunc(d, func() { delete(pending, "a") })
	for k := range pending { // want `range over pending may run while the time.AfterFunc callback registered at timer.go:7 writes it at timer.go:7`
		_ = k
	}
}
