// Package user uses package owner's registry: owner's guard reaches it as a
// fact.
package user

import "owner"

func touch(r *owner.Registry) {
	r.Items["x"] = 1 // want `write to r.Items without r.Mu, which guards it`
}

func touchLocked(r *owner.Registry) {
	r.Mu.Lock()
	r.Items["y"] = 2
	r.Mu.Unlock()
}

// A helper of another package that writes the map (kubernetes#106045).
func annotate(r *owner.Registry) {
	owner.Annotate(r, "z") // want `call to owner.Annotate makes a write to r.Items \(at owner.go:31\) without r.Mu, which guards it`
}

func annotateLocked(r *owner.Registry) {
	r.Mu.Lock()
	owner.AnnotateLocked(r, "w")
	r.Mu.Unlock()
}

func annotateForgot(r *owner.Registry) {
	owner.AnnotateLocked(r, "v") // want `call to owner.AnnotateLocked makes a write to r.Items \(at owner.go:36\) without r.Mu`
}
