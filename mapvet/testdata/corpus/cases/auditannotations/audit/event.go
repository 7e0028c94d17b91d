// Package audit records the audit event of a request.
//
// Report: https://github.com/kubernetes/kubernetes/pull/106045
package audit

// Level is how much of a request is audited.
type Level int

// Audit levels.
const (
	LevelNone Level = iota
	LevelMetadata
	LevelRequest
)

// Event is the audit event of one request.
type Event struct {
	Level       Level
	AuditID     string
	Verb        string
	Annotations map[string]string
}

// LogAnnotation records key=value in the event's annotations.
func LogAnnotation(ae *Event, key, value string) {
	if ae == nil || ae.Level < LevelMetadata {
		return
	}
	if ae.Annotations == nil {
		ae.Annotations = make(map[string]string)
	}
	ae.Annotations[key] = value // race: f delete-collection workers reach this write through admission, concurrently on one event
}
