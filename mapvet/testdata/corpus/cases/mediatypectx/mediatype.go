// Package mediatypectx is modeled on containerd's remotes package:
// WithMediaTypeKeyPrefix derives a context whose value is the parent's map
// with one more entry, but writes that entry into the parent's map itself.
// Contexts derived in parallel from one base context (buildx's imagetools
// does so per platform) write the same map at the same time.
//
// Report: https://github.com/containerd/containerd/pull/12508
package mediatypectx

import (
	"context"
	"strings"
	"sync"
)

type refKeyPrefix struct{}

// Descriptor describes fetched content.
type Descriptor struct {
	MediaType string
	Digest    string
	Size      int64
}

// WithMediaTypeKeyPrefix returns a context in which content of mediaType
// is stored under prefix.
func WithMediaTypeKeyPrefix(ctx context.Context, mediaType, prefix string) context.Context {
	var values map[string]string
	if v := ctx.Value(refKeyPrefix{}); v != nil {
		values = v.(map[string]string)
	} else {
		values = make(map[string]string)
	}
	values[mediaType] = prefix // race: d writes the parent context's map, shared by every context derived from it
	return context.WithValue(ctx, refKeyPrefix{}, values)
}

// MakeRefKey returns the content store key for desc.
func MakeRefKey(ctx context.Context, desc Descriptor) string {
	key := desc.Digest
	if m, ok := ctx.Value(refKeyPrefix{}).(map[string]string); ok {
		if prefix, ok := m[desc.MediaType]; ok && prefix != "" {
			return prefix + "-" + key
		}
	}
	switch {
	case strings.Contains(desc.MediaType, "manifest"):
		return "manifest-" + key
	case strings.Contains(desc.MediaType, "layer"):
		return "layer-" + key
	}
	return "unknown-" + key
}

// Fetcher copies content into the store under a key.
type Fetcher func(ctx context.Context, key string, desc Descriptor) error

// FetchPlatforms fetches each platform's manifest in parallel, keyed by
// platform.
func FetchPlatforms(ctx context.Context, manifests map[string]Descriptor, fetch Fetcher) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(manifests))
	for platform, desc := range manifests {
		wg.Add(1)
		go func() { // race: d goroutines derive contexts from the same ctx and write its prefix map
			defer wg.Done()
			pctx := WithMediaTypeKeyPrefix(ctx, desc.MediaType, "manifest-"+platform) // race: d derives a context by writing the shared parent map
			errs <- fetch(pctx, MakeRefKey(pctx, desc), desc)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
