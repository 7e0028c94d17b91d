//go:build !linux

package bench

// threadCPU has no thread clock outside Linux here: no cpu-ns/op metric.
func threadCPU() (int64, bool) { return 0, false }
