package classic

// Fatal is the runtime's fatal error ("concurrent map writes" and the
// like). The real process dies; the model panics with a *Fatal, which only
// happens when operations overlap: an operation started from an observer
// while another one is in progress, or the interleaver (classic/interleave)
// running several simulated goroutines. A single goroutine calling the
// methods one after another never sees one, as in the runtime.
type Fatal struct {
	Message string
	Check   string // which check fired: "entry check", "exit check", "read check", "iterator check", "invariant"
}

func (f *Fatal) Error() string { return "fatal error: " + f.Message }

func (m *Map[K, V]) throw(msg, check string) {
	e := ev(EvThrow)
	e.Message, e.Reason = msg, check
	m.emit(e)
	panic(&Fatal{Message: msg, Check: check})
}
