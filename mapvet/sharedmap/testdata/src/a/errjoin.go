package a

import (
	"errors"
	"time"
)

// gRPC's serverTester.readFrame: the goroutine is joined on the receive
// paths; the timeout leaves it running, with an error the caller stops on.
type reader struct {
	seen  map[int]bool
	frc   chan int
	errc  chan error
	count int
}

func (r *reader) read1() (int, error) {
	r.count++
	r.seen[r.count] = true
	if r.count > 10 {
		return 0, errors.New("done")
	}
	return r.count, nil
}

func (r *reader) read() (int, error) {
	go func() {
		n, err := r.read1()
		if err != nil {
			r.errc <- err
		} else {
			r.frc <- n
		}
	}()
	select {
	case n := <-r.frc:
		return n, nil
	case err := <-r.errc:
		return 0, err
	case <-time.After(time.Second):
		return 0, errors.New("timeout")
	}
}

func Loop(r *reader) {
	for {
		if _, err := r.read(); err != nil {
			return
		}
		r.seen[0] = true
	}
}

// A caller that goes on after an error meets the goroutine the timeout
// left running.
func LoopIgnoring(r *reader) {
	for i := 0; i < 3; i++ {
		r.read()
		r.seen[0] = true // want `write to r.seen may run while the goroutine started by r.read`
	}
}
