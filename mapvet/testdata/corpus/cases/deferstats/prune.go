// Package deferstats is modeled on an Erigon fix titled "Fix defer order
// to prevent concurrent map write panic": a stage prunes its tables on
// worker goroutines and reports the unfinished ones from a deferred
// function, but that function was registered after `defer wg.Wait()`, so
// it runs first and clears the map while the workers still write it.
//
// Report: https://github.com/erigontech/erigon/pull/6736
package deferstats

import (
	"context"
	"log"
	"sync"
	"time"
)

// Pruner deletes old rows from tables.
type Pruner struct {
	PruneTable func(ctx context.Context, table string) error
	Timeout    time.Duration
}

// PruneTables prunes every table in parallel and logs the tables that had
// not finished when it returned.
func (p *Pruner) PruneTables(ctx context.Context, tables []string) error {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()

	var wg sync.WaitGroup
	defer wg.Wait()

	var mu sync.Mutex
	inProgress := make(map[string]time.Time)
	defer func() {
		for table, started := range inProgress { // race: x the deferred report runs before the deferred wg.Wait, while workers still write inProgress
			log.Printf("prune of %s unfinished after %v", table, time.Since(started))
			delete(inProgress, table) // race: x the deferred report deletes while workers write the map
		}
	}()

	errs := make(chan error, len(tables))
	for _, table := range tables {
		wg.Add(1)
		go func() { // race: x workers write inProgress under mu, which the deferred report does not take
			defer wg.Done()
			mu.Lock()
			inProgress[table] = time.Now()
			mu.Unlock()
			if err := p.PruneTable(ctx, table); err != nil {
				errs <- err
				return
			}
			mu.Lock()
			delete(inProgress, table)
			mu.Unlock()
		}()
	}
	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
