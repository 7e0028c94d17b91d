package facts

import "lib"

func viaGoStatement() {
	m := map[string]int{}
	go lib.Fill(m)
	_ = m["x"] // want `read of m may run while the goroutine started at facts.go:7 writes it at lib.go:7`
}

func viaSpawn() {
	m := map[string]int{}
	lib.Start(m)
	for range m { // want `range over m may run while the goroutine started by lib.Start at lib.go:13 writes it at lib.go:13`
	}
}

func joinedInside() int {
	m := map[string]int{}
	lib.Run(m)
	return m["z"]
}

func readersOnly() {
	m := map[string]int{"x": 1}
	go lib.Read(m)
	_ = lib.Read(m)
}
