package a

import "sync"

// Admission plugins reached through an interface from worker goroutines
// write a shared request's annotations (kubernetes/kubernetes#106045's
// shape, within one package).
type attrs struct {
	annotations map[string]string
}

type admitter interface{ Admit(a *attrs) }

type labeler struct{}

func (labeler) Admit(a *attrs) { a.annotations["labeled"] = "true" }

type auditor struct{ mu sync.Mutex }

func (au *auditor) Admit(a *attrs) {
	au.mu.Lock()
	a.annotations["audited"] = "true"
	au.mu.Unlock()
}

func admitAll(chain []admitter, a *attrs) {
	var wg sync.WaitGroup
	for _, p := range chain {
		wg.Add(1)
		go func() { // want `goroutines started here in a loop all write a.annotations`
			defer wg.Done()
			p.Admit(a)
		}()
	}
	wg.Wait()
}

func admitEach(chain []admitter, a *attrs) {
	for _, p := range chain {
		go p.Admit(a) // want `goroutines started here in a loop all write a.annotations`
	}
}
