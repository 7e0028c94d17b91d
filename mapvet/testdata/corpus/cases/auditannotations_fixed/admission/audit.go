// Package admission runs admission plugins and copies their annotations
// into the request's audit event. The audit handler serializes the copies:
// one request's admissions may run concurrently.
//
// Report: https://github.com/kubernetes/kubernetes/pull/106045
package admission

import (
	"context"
	"sync"

	"corpus/cases/auditannotations_fixed/audit"
)

// Attributes describe the object being admitted.
type Attributes interface {
	Name() string
	Operation() string
	// Annotations returns what plugins recorded about this admission.
	Annotations() map[string]string
	AddAnnotation(key, value string)
}

// Interface validates an admission request.
type Interface interface {
	Validate(ctx context.Context, a Attributes) error
}

type auditHandler struct {
	Interface
	mu sync.Mutex // serializes writes to ae
	ae *audit.Event
}

// WithAudit copies the annotations the plugins add into ae.
func WithAudit(i Interface, ae *audit.Event) Interface {
	if i == nil {
		return i
	}
	return &auditHandler{Interface: i, ae: ae}
}

func (h *auditHandler) Validate(ctx context.Context, a Attributes) error {
	err := h.Interface.Validate(ctx, a)
	h.mu.Lock()
	defer h.mu.Unlock()
	for key, value := range a.Annotations() {
		audit.LogAnnotation(h.ae, key, value)
	}
	return err
}
