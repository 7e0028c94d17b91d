package a

import (
	"errors"
	"testing"
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
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case n := <-r.frc:
		return n, nil
	case err := <-r.errc:
		return 0, err
	case <-t.C:
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

// The shape of gRPC's serverTester.greet: a helper that stops the test on
// the error, then a loop that reads until it sees what it wants.
type tester struct {
	t testing.TB
	r *reader
}

func (st *tester) want() int {
	n, err := st.r.read()
	if err != nil {
		st.t.Fatalf("read: %v", err)
	}
	return n
}

func (st *tester) greet() {
	st.want()
	for {
		n, err := st.r.read()
		if err != nil {
			st.t.Fatal(err)
		}
		switch {
		case n == 1:
		case n == 2:
			return
		default:
			st.t.Fatalf("unexpected %d", n)
		}
	}
}

func Greet(st *tester) {
	st.greet()
	st.r.seen[0] = true
}
