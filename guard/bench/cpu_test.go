package bench

import (
	"runtime"
	"testing"
)

// cpuTimer measures the CPU time of the benchmark's thread across its
// loop: the goroutine is locked to its thread, so the thread's CPU clock
// counts its work and not the time it waited for a core.
type cpuTimer struct {
	b     *testing.B
	start int64
	ok    bool
}

// startCPU starts the clock; call it just before the b.Loop loop.
func startCPU(b *testing.B) *cpuTimer {
	runtime.LockOSThread()
	t, ok := threadCPU()
	return &cpuTimer{b: b, start: t, ok: ok}
}

// stop reports cpu-ns/op; call it just after the loop.
func (c *cpuTimer) stop() {
	t, ok := threadCPU()
	runtime.UnlockOSThread()
	if c.ok && ok && c.b.N > 0 {
		c.b.ReportMetric(float64(t-c.start)/float64(c.b.N), "cpu-ns/op")
	}
}
