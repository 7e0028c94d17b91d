// Command fanout counts words in parallel into one map with no lock: the
// goroutines started in the loop write the map together (mapvet:
// sharedmap), which ends in "fatal error: concurrent map writes".
package main

import (
	"fmt"
	"strings"
	"sync"
)

func count(docs []string) map[string]int {
	counts := map[string]int{}
	var wg sync.WaitGroup
	for _, doc := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, w := range strings.Fields(doc) {
				counts[w]++
			}
		}()
	}
	wg.Wait()
	return counts
}

func main() {
	fmt.Println(len(count([]string{"a b c", "b c d", "c d e"})))
}
