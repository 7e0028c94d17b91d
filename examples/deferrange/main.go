// Command deferrange is the article's hazard: a deferred function ranges
// over a map that a goroutine started by the same function writes. mapvet
// reports it (deferaccess); run it a few times and it may crash with
// "fatal error: concurrent map iteration and map write".
package main

import (
	"fmt"
	"time"
)

func handle(requests int) {
	stats := make(map[string]int)
	for i := 0; i < requests; i++ {
		stats[fmt.Sprint("route", i%64)]++
	}
	defer func() {
		total := 0
		for _, n := range stats {
			total += n
		}
		fmt.Println("requests:", total)
	}()
	go func() {
		time.Sleep(time.Microsecond)
		stats["late"]++
	}()
}

func main() {
	for i := 0; i < 1000; i++ {
		handle(1000)
	}
}
