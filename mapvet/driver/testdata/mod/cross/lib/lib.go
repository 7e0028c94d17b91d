// Package lib leaves a goroutine running: package cross learns it only
// from the engine's summary fact.
package lib

// Start returns with a goroutine still writing m.
func Start(m map[string]int) {
	go func() {
		m["y"] = 1
	}()
}
