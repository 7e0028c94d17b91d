// Package lib is another package: what its functions do reaches package
// facts only through the engine's exported summaries.
package lib

import "sync"

func Fill(m map[string]int) { m["x"] = 1 }

func Read(m map[string]int) int { return m["x"] }

// Start leaves a goroutine running that writes m.
func Start(m map[string]int) {
	go func() { m["y"] = 1 }()
}

// Run waits for the goroutine it starts.
func Run(m map[string]int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); m["z"] = 1 }()
	wg.Wait()
}
