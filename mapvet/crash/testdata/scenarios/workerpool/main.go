// Command workerpool hands the same map to every worker of a pool, and
// each worker records the jobs it saw in it.
//
// Modeled on gardener/gardener#768 ("Prevent concurrent map writes when
// generating cloud config"): goroutines were each passed the same map and
// extended it; the fix gave every goroutine its own copy.
package main

import (
	"time"

	"scenarios/internal/watchdog"
)

func worker(jobs <-chan int, seen map[int]int) {
	for j := range jobs {
		seen[j%128] = j // writer
	}
}

func main() {
	watchdog.Start(10 * time.Second)
	seen := make(map[int]int)
	jobs := make(chan int, 1024)
	for range 4 {
		go worker(jobs, seen)
	}
	for i := 0; ; i++ {
		jobs <- i
	}
}
