// Package auditannotations is modeled on the API server's delete
// collection: the store deletes the collection's items from several worker
// goroutines, each running admission validation through an audit handler
// that copies the plugins' annotations into the one audit event of the
// request, with audit.LogAnnotation in another package writing its map.
//
// Report: https://github.com/kubernetes/kubernetes/pull/106045
package auditannotations

import (
	"context"
	"sync"

	"corpus/cases/auditannotations/admission"
	"corpus/cases/auditannotations/audit"
)

type attrs struct {
	name        string
	annotations map[string]string
}

func (a *attrs) Name() string                    { return a.name }
func (a *attrs) Operation() string               { return "DELETE" }
func (a *attrs) Annotations() map[string]string  { return a.annotations }
func (a *attrs) AddAnnotation(key, value string) { a.annotations[key] = value }

// Store deletes objects from storage.
type Store struct {
	DeleteCollectionWorkers int
	Delete                  func(ctx context.Context, name string) error
}

// DeleteCollection deletes names, validating each deletion.
func (e *Store) DeleteCollection(ctx context.Context, names []string, validate admission.Interface) error {
	workers := max(e.DeleteCollectionWorkers, 1)
	toProcess := make(chan string, 2*workers)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() { // race: f workers run admission validation concurrently against one audit event
			defer wg.Done()
			for name := range toProcess {
				a := &attrs{name: name, annotations: map[string]string{}}
				if err := validate.Validate(ctx, a); err != nil { // race: f the worker calls admission through an interface, which writes the shared event
					select {
					case errs <- err:
					default:
					}
					continue
				}
				if err := e.Delete(ctx, name); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, name := range names {
		toProcess <- name
	}
	close(toProcess)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// HandleDeleteCollection serves one delete-collection request.
func HandleDeleteCollection(ctx context.Context, s *Store, plugins admission.Interface, auditID string, names []string) (*audit.Event, error) {
	ev := &audit.Event{Level: audit.LevelMetadata, AuditID: auditID, Verb: "deletecollection"}
	err := s.DeleteCollection(ctx, names, admission.WithAudit(plugins, ev))
	return ev, err
}
