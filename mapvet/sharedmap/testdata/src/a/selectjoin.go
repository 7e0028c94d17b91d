package a

// A goroutine that sends its result on one channel or its error on
// another, joined by a select that receives from both (the shape of
// grpc's tests that run a dial or a call on a goroutine).
func selectJoin(m map[string]int) {
	resc := make(chan int)
	errc := make(chan error)
	go func() {
		m["x"] = 1
		if len(m) > 5 {
			errc <- nil
			return
		}
		resc <- 1
	}()
	select {
	case <-resc:
	case <-errc:
	}
	m["y"] = 2
}

// A case on another channel may fire first: not a join.
func selectOther(m map[string]int, done chan struct{}) {
	resc := make(chan int)
	go func() {
		m["x"] = 1
		resc <- 1
	}()
	select {
	case <-resc:
	case <-done:
	}
	m["y"] = 2 // want `write to m may run while the goroutine started at selectjoin.go:27 writes it`
}

// With a default the select may take no case at all.
func selectDefault(m map[string]int) {
	resc := make(chan int, 1)
	go func() {
		m["x"] = 1
		resc <- 1
	}()
	select {
	case <-resc:
	default:
	}
	m["y"] = 2 // want `write to m may run while the goroutine started at selectjoin.go:41 writes it`
}
