package a

import (
	"sync"

	"golang.org/x/sync/errgroup"
)

func joinedByWait() {
	var wg sync.WaitGroup
	m := map[int]int{}
	defer func() {
		for range m {
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		m[1] = 1
	}()
	wg.Wait()
}

// Deferred calls run last-in first-out: this Wait runs before the range.
func deferredWaitAfter() {
	var wg sync.WaitGroup
	m := map[int]int{}
	defer func() {
		for range m {
		}
	}()
	defer wg.Wait()
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m[i] = i
		}()
	}
}

func readOnlyGoroutine() {
	m := map[int]int{1: 1}
	defer func() {
		for range m {
		}
	}()
	go func() { _ = m[1] }()
}

func ownMap() {
	m := map[int]int{}
	defer func() {
		for range m {
		}
	}()
	go func() {
		local := map[int]int{}
		local[1] = 1
	}()
}

func joinedByChannel() {
	m := map[int]int{}
	done := make(chan struct{})
	defer func() {
		for range m {
		}
	}()
	go func() {
		m[1] = 1
		close(done)
	}()
	<-done
}

func commonLock() {
	var mu sync.Mutex
	m := map[int]int{}
	defer func() {
		mu.Lock()
		for range m {
		}
		mu.Unlock()
	}()
	go func() {
		mu.Lock()
		m[1] = 1
		mu.Unlock()
	}()
}

func errgroupWait() error {
	var g errgroup.Group
	m := map[int]int{}
	defer func() {
		for range m {
		}
	}()
	g.Go(func() error { m[1] = 1; return nil })
	return g.Wait()
}

func otherMap() {
	a, b := map[int]int{}, map[int]int{}
	defer func() {
		for range a {
		}
	}()
	go func() { b[1] = 1 }()
}

// The deferred range runs before the deferred Unlock registered earlier.
func (s *Server) Snapshot() []string {
	var names []string
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		for name := range s.conns {
			names = append(names, name)
		}
	}()
	return names
}

func (s *Server) lockedInDefer() {
	defer func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for range s.conns {
		}
	}()
}

// The goroutine is started before the defer, but joined before return.
func startedBeforeDefer() {
	var wg sync.WaitGroup
	m := map[int]int{}
	wg.Add(1)
	go func() { defer wg.Done(); m[0] = 0 }()
	defer func() {
		for range m {
		}
	}()
	wg.Wait()
}

// The swap idiom: the range is over the old map, which nothing else can
// reach once s.conns holds a new one (net/http's CloseIdleConnections).
func (s *Server) closeAll() {
	s.mu.Lock()
	old := s.conns
	s.conns = map[string]int{}
	s.mu.Unlock()
	for name := range old {
		_ = name
	}
}

func (s *Server) Serve() {
	defer s.closeAll()
}

const debug = false

// Regression (database/sql's putConn): a read in a branch on a false
// constant is dead code.
func (s *Server) put(name string) {
	s.mu.Lock()
	s.conns[name] = 0
	s.mu.Unlock()
	if debug {
		_ = s.conns[name]
	}
}

func (s *Server) Close(name string) {
	defer s.put(name)
}
