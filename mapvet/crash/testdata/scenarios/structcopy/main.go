// Command structcopy copies a request context by value for each request;
// the copies share the context's tags map, which every request writes.
//
// Modeled on keybase/client#23634 ("prevent concurrent writes to ctx
// maps"): context structs passed by value still shared their maps.
package main

import (
	"fmt"
	"time"

	"scenarios/internal/watchdog"
)

type reqCtx struct {
	id   int
	tags map[string]string
}

func (c reqCtx) with(k, v string) reqCtx {
	c.tags[k] = v // writer
	return c
}

func main() {
	watchdog.Start(10 * time.Second)
	base := reqCtx{tags: map[string]string{}}
	var keys []string
	for i := range 64 {
		keys = append(keys, fmt.Sprint("tag-", i))
		base.tags[keys[i]] = ""
	}
	for w := range 2 {
		go func() {
			for i := 0; ; i++ {
				c := base
				c.id = w*1_000_000 + i
				c.with(keys[i%64], "v")
			}
		}()
	}
	n := 0
	for i := 0; ; i++ {
		n += len(base.tags[keys[i%64]])
	}
}
