// Package mediatypectx is the fixed twin of cases/mediatypectx:
// WithMediaTypeKeyPrefix copies the parent's map and adds the entry to the
// copy.
//
// Report: https://github.com/containerd/containerd/pull/12508
package mediatypectx

import (
	"context"
	"maps"
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
	values := make(map[string]string)
	if v := ctx.Value(refKeyPrefix{}); v != nil {
		values = maps.Clone(v.(map[string]string))
	}
	values[mediaType] = prefix
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
		go func() {
			defer wg.Done()
			pctx := WithMediaTypeKeyPrefix(ctx, desc.MediaType, "manifest-"+platform)
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
