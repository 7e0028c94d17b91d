package a

import (
	"fmt"
	"log"
)

// Printing a map ranges over it.
func printInDefer() {
	stats := map[string]int{}
	defer log.Printf("stats: %v", stats) // want `printing stats with log.Printf in deferred call may run while the goroutine started at print.go:12 writes it at print.go:12`
	go func() { stats["x"]++ }()
}

func printAfterWait(done chan bool) {
	stats := map[string]int{}
	go func() { stats["x"]++; done <- true }()
	<-done
	fmt.Println(stats)
}
