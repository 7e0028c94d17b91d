package a

// A function stored in a struct field and called through it: the package
// stores only startWriter there, so the call runs it, and the goroutine it
// leaves running.
type launcher struct {
	start func(m map[string]int)
}

func startWriter(m map[string]int) {
	go func() { m["x"] = 1 }()
}

func launch(m map[string]int) {
	l := &launcher{start: startWriter}
	l.start(m)
	_ = m["y"] // want `read of m may run while the goroutine started by startWriter at fieldfunc.go:11 writes it`
}
