// Package deferstats is the fixed twin of cases/deferstats: the report is
// deferred before `defer wg.Wait()`, so the wait runs first and the report
// sees the workers' final state.
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

	var mu sync.Mutex
	inProgress := make(map[string]time.Time)
	defer func() {
		for table, started := range inProgress {
			log.Printf("prune of %s unfinished after %v", table, time.Since(started))
			delete(inProgress, table)
		}
	}()

	var wg sync.WaitGroup
	defer wg.Wait()

	errs := make(chan error, len(tables))
	for _, table := range tables {
		wg.Add(1)
		go func() {
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
