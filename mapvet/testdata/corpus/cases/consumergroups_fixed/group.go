// Package consumergroups is the fixed twin of cases/consumergroups: a
// mutex serializes the goroutines' writes to the results.
//
// Report: https://github.com/fgeller/kt/issues/47
package consumergroups

import (
	"fmt"
	"sort"
	"sync"
)

// PartitionOffset is a group's position in one partition.
type PartitionOffset struct {
	Partition int32
	Offset    int64
	Lag       int64
}

// Broker answers offset requests.
type Broker interface {
	FetchOffsets(group, topic string) ([]PartitionOffset, error)
}

// Group is a consumer group and its offsets per topic.
type Group struct {
	Name    string
	Offsets map[string][]PartitionOffset
}

// Describe fetches the offsets of groups on topics.
func Describe(b Broker, groups, topics []string) ([]Group, error) {
	results := make(map[string]Group, len(groups))
	var mu sync.Mutex
	errs := make(chan error, len(groups))
	var wg sync.WaitGroup
	for _, name := range groups {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			g := Group{Name: name, Offsets: make(map[string][]PartitionOffset)}
			for _, topic := range topics {
				offsets, err := b.FetchOffsets(name, topic)
				if err != nil {
					errs <- fmt.Errorf("group %s topic %s: %w", name, topic, err)
					return
				}
				g.Offsets[topic] = offsets
			}
			mu.Lock()
			results[name] = g
			mu.Unlock()
		}(name)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	out := make([]Group, 0, len(results))
	for _, g := range results {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
