package driver

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
)

// startCPUProfile starts writing a CPU profile to name (-cpuprofile) and
// returns the function that stops it.
func startCPUProfile(name string) (func(), error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %v", err)
	}
	stop := func() { pprof.StopCPUProfile(); f.Close() }
	// A run that takes too long is what one profiles: an interrupt still
	// writes the profile.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		<-sig
		stop()
		fmt.Fprintf(os.Stderr, "mapvet: interrupted; CPU profile written to %s\n", name)
		os.Exit(1)
	}()
	return stop, nil
}

// writeHeapProfile writes the heap profile to name (-memprofile).
func writeHeapProfile(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("-memprofile: %v", err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		return fmt.Errorf("-memprofile: %v", err)
	}
	return nil
}
