// Package trackfeature is modeled on the GrowthBook Go SDK: EvalFeature
// holds the client's read lock while evaluating, and the usage tracking it
// calls writes trackedFeatures, so concurrent evaluations, all holding the
// read lock at once, write the map together.
//
// Report: https://github.com/growthbook/growthbook-golang/issues/23
package trackfeature

import (
	"sync"
)

// FeatureResult is the value of a feature for the current attributes.
type FeatureResult struct {
	Value  any
	On     bool
	Source string
}

// Feature is a feature definition.
type Feature struct {
	DefaultValue any
	Rules        []func(attrs map[string]any) (any, bool)
}

type clientImpl struct {
	mu                   sync.RWMutex
	features             map[string]*Feature
	attributes           map[string]any
	trackedFeatures      map[string]any
	featureUsageCallback func(key string, result *FeatureResult)
}

// Client evaluates features; it is used by every request goroutine.
type Client struct {
	inner *clientImpl
}

// NewClient returns a client over features.
func NewClient(features map[string]*Feature, onUsage func(string, *FeatureResult)) *Client {
	return &Client{inner: &clientImpl{
		features:             features,
		attributes:           map[string]any{},
		trackedFeatures:      map[string]any{},
		featureUsageCallback: onUsage,
	}}
}

// EvalFeature evaluates the feature key.
func (c *Client) EvalFeature(key string) *FeatureResult {
	c.inner.mu.RLock()
	defer c.inner.mu.RUnlock()
	f, ok := c.inner.features[key]
	if !ok {
		return &FeatureResult{Source: "unknownFeature"}
	}
	res := &FeatureResult{Value: f.DefaultValue, Source: "defaultValue"}
	for _, rule := range f.Rules {
		if v, ok := rule(c.inner.attributes); ok {
			res = &FeatureResult{Value: v, Source: "force"}
			break
		}
	}
	res.On = res.Value != nil && res.Value != false && res.Value != 0 && res.Value != ""
	c.trackFeatureUsage(key, res) // race: x called with only the read lock held; it writes trackedFeatures
	return res
}

func (c *Client) trackFeatureUsage(key string, res *FeatureResult) {
	if existing, seen := c.inner.trackedFeatures[key]; seen && existing == res.Value {
		return
	}
	c.inner.trackedFeatures[key] = res.Value // race: x written by concurrent evaluations that hold only the read lock
	if c.inner.featureUsageCallback != nil {
		c.inner.featureUsageCallback(key, res)
	}
}
