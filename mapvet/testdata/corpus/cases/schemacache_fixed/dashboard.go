// Package schemacache is the fixed twin of cases/schemacache: the schema
// cache publishes only complete schemas, so the parallel queries share
// nothing that is still being written.
//
// Report: https://github.com/go-gorm/gorm/issues/5273
package schemacache

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"

	"corpus/cases/schemacache_fixed/orm"
)

// Order is an order of a user.
type Order struct {
	ID     int64
	UserID int64
	Total  int64
}

// User is a customer.
type User struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	Orders    []Order
}

// Dashboard is the admin landing page's data.
type Dashboard struct {
	Newest []User
	Top    []User
}

// LoadDashboard runs the page's queries in parallel.
func LoadDashboard(ctx context.Context, db *orm.DB) (*Dashboard, error) {
	var d Dashboard
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return db.Find(ctx, &d.Newest, "created_at > now() - interval '1 day'")
	})
	g.Go(func() error {
		return db.Find(ctx, &d.Top, "id IN (SELECT user_id FROM orders GROUP BY user_id ORDER BY sum(total) DESC LIMIT 10)", "Orders")
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return &d, nil
}
