// Package watchdog ends a scenario that did not crash in time, so that a
// test waiting for the crash is not left waiting.
package watchdog

import (
	"fmt"
	"os"
	"time"
)

// Start exits the process with status 1 after d.
func Start(d time.Duration) {
	go func() {
		time.Sleep(d)
		fmt.Fprintf(os.Stderr, "%s: no crash within %v\n", os.Args[0], d)
		os.Exit(1)
	}()
}
