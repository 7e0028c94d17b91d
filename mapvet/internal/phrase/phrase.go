// Package phrase words the engine's data for the checks' messages: how a
// message names an access ("range over m"), a goroutine ("the goroutine
// started at x.go:17"), a call ("s.add") and a position ("x.go:17").
//
// The engine's results carry no text; each check builds its message from
// these phrases and puts the positions they mention in the diagnostic's
// Related information, so that the words and the positions agree.
package phrase

import (
	"fmt"
	"go/token"
	"path/filepath"

	"github.com/mapsafe/mapsafe/mapvet/internal/engine"
	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"golang.org/x/tools/go/analysis"
)

// Where names a position the way a message mentions it: "x.go:17" (the
// Related information gives the full position).
func Where(fset *token.FileSet, pos token.Pos) string {
	if !pos.IsValid() {
		return "?"
	}
	p := fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}

// Access names an access: "range over m", "write to s.m", "delete of m",
// "printing m with fmt.Printf", "maps.Copy writing m".
func Access(a *engine.Access) string {
	switch a.Kind {
	case ops.Iterate:
		if a.Verb == "range" {
			return "range over " + a.Name
		}
		if ops.Printing(a.Verb) {
			return "printing " + a.Name + " with " + a.Verb
		}
		if ops.Encoding(a.Verb) {
			return "encoding " + a.Name + " with " + ops.ShortName(a.Verb)
		}
		return a.Verb + " over " + a.Name
	case ops.Read:
		return "read of " + a.Name
	case ops.Clone:
		return "clone of " + a.Name
	case ops.Len:
		return "len of " + a.Name
	}
	switch a.Verb {
	case "delete", "clear":
		return a.Verb + " of " + a.Name
	case "assign":
		return "write to " + a.Name
	}
	return a.Verb + " writing " + a.Name
}

// Verb is what an access does to its map, as a verb: "writes", "reads",
// "ranges over", "clones".
func Verb(a *engine.Access) string {
	switch a.Kind {
	case ops.Write:
		return "writes"
	case ops.Iterate:
		return "ranges over"
	case ops.Clone:
		return "clones"
	}
	return "reads"
}

// Call names the callee of a call as the program spells it: "s.add",
// "lib.Start", "helper", or "the func literal".
func Call(c *engine.Call) string {
	fn := c.Fn
	switch {
	case c.Literal():
		return "the func literal"
	case fn.Signature.Recv() != nil:
		if c.Recv != "" {
			return c.Recv + "." + fn.Name()
		}
		return fn.Name()
	case fn.Pkg != nil && fn.Pkg != c.Caller.Pkg:
		return fn.Pkg.Pkg.Name() + "." + fn.Name()
	}
	return fn.Name()
}

// Goroutine names a goroutine by its start: "the goroutine started at
// x.go:17", "the time.AfterFunc callback registered at x.go:17", "the
// goroutine started by s.start at lib.go:30".
func Goroutine(fset *token.FileSet, g *engine.Goroutine) string {
	at := Where(fset, g.Start)
	switch {
	case g.By != nil:
		return "the goroutine started by " + Call(g.By) + " at " + at
	case g.Kind == ops.GoStmt:
		return "the goroutine started at " + at
	case g.Kind == ops.AfterFunc:
		return "the time.AfterFunc callback registered at " + at
	case g.Kind == ops.HTTPHandler:
		return "the net/http handler registered at " + at
	case g.Kind == ops.GRPCMethod:
		return "the gRPC method registered at " + at
	}
	return "the " + g.Kind.String() + " goroutine started at " + at
}

// Start is the related information for a goroutine's start: "goroutine
// started here" (or "time.AfterFunc callback registered here") at the
// start, and, when a callee started it, the call that returns with it
// running.
func Start(g *engine.Goroutine) []analysis.RelatedInformation {
	var msg string
	switch g.Kind {
	case ops.AfterFunc:
		msg = "time.AfterFunc callback registered here"
	case ops.GoStmt:
		msg = "goroutine started here"
	case ops.HTTPHandler:
		msg = "net/http handler registered here: each request runs it on a goroutine of its own"
	case ops.GRPCMethod:
		msg = "gRPC service registered here: each call runs its methods on a goroutine of its own"
	default:
		msg = g.Kind.String() + " goroutine started here"
	}
	out := []analysis.RelatedInformation{{Pos: g.Start, Message: msg}}
	if g.By != nil {
		out = append(out, analysis.RelatedInformation{Pos: g.By.Pos, Message: "the call to " + Call(g.By) + " returns with it running"})
	}
	return out
}
