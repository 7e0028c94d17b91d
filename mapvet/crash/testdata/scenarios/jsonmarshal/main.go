// Command jsonmarshal encodes a map of labels with encoding/json while
// another goroutine sets labels in it.
//
// Modeled on golang/go#18489 ("json.Marshal cause fatal error: concurrent
// map read and map write"): json.Marshal ranged a map that another
// goroutine was writing.
package main

import (
	"encoding/json"
	"fmt"
	"time"

	"scenarios/internal/watchdog"
)

type Status struct {
	labels map[string]string
}

func (s *Status) set(k, v string) {
	s.labels[k] = v // writer
}

func (s *Status) encode() []byte {
	b, _ := json.Marshal(s.labels)
	return b
}

func main() {
	watchdog.Start(10 * time.Second)
	s := &Status{labels: map[string]string{}}
	var keys []string
	for i := range 64 {
		keys = append(keys, fmt.Sprint("label-", i))
		s.labels[keys[i]] = "v"
	}
	go func() {
		for i := 0; ; i++ {
			s.set(keys[i%64], fmt.Sprint(i))
		}
	}()
	n := 0
	for {
		n += len(s.encode())
	}
}
