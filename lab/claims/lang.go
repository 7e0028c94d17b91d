package claims

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mapsafe/mapsafe/lab/child"
)

// Claims about the language: 12 (defer and named results) and 13 (the slice
// example of section 3.3).

// returnValue and the deferred function's "x *= 2" are what namedResults
// does; the verdict compares the figures with them.
const returnValue = 21

type ev12 struct {
	Seen     int // the named result as the deferred function saw it
	Returned int // what the caller got
}

func (e ev12) verdict() Verdict {
	if e.Seen == returnValue && e.Returned == 2*returnValue {
		return Holds
	}
	return DoesNotHold
}

func (e ev12) summary() string {
	return fmt.Sprintf("after \"return %d\" the deferred function saw x = %d and doubled it; the caller got %d", returnValue, e.Seen, e.Returned)
}

func measure12(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "deferred function reads and doubles a named result", child.Spec{Program: "claims/named-results"})
	if err != nil {
		return nil, err
	}
	var e ev12
	if e.Seen, err = figureInt(res, "seen in defer"); err != nil {
		return nil, err
	}
	if e.Returned, err = figureInt(res, "returned"); err != nil {
		return nil, err
	}
	return e, nil
}

type ev13 struct {
	Exit  int
	Panic string // the panic line, if it panicked
	// Moved: the append really reallocated the backing array, so the
	// experiment tested what the article describes.
	Moved bool
	S0    string // s[0] as the deferred function read it
	Len   string
}

func (e ev13) verdict() Verdict {
	switch {
	case e.Panic != "":
		return Holds
	case e.Exit == 0 && e.Moved && e.S0 != "":
		return DoesNotHold
	default:
		return Inconclusive
	}
}

func (e ev13) summary() string {
	if e.Panic != "" {
		return fmt.Sprintf("exit %d: %s", e.Exit, e.Panic)
	}
	return fmt.Sprintf("exit %d: append moved the backing array (%v); the deferred function read s[0] = %s with len %s, no panic", e.Exit, e.Moved, e.S0, e.Len)
}

func measure13(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "section 3.3: append past capacity, read s[0] in a deferred function", child.Spec{Program: "claims/slice-in-defer"})
	if err != nil {
		return nil, err
	}
	e := ev13{Exit: res.ExitCode, Panic: failureLine(res)}
	if moved, ok := res.Line("backing array moved:"); ok {
		e.Moved, _ = strconv.ParseBool(moved)
	}
	e.S0, _ = res.Line("s[0] in defer:")
	e.Len, _ = res.Line("len in defer:")
	return e, nil
}
