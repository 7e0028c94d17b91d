// Package schemacache is modeled on a report to gorm: two queries on the
// same model run in parallel under an errgroup, and the ORM's schema cache
// (package schema, reached through package orm) hands the second query a
// schema whose relationship map the first query's goroutine is still
// filling.
//
// Report: https://github.com/go-gorm/gorm/issues/5273
package schemacache

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"

	"corpus/cases/schemacache/orm"
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
	g.Go(func() error { // race: f errgroup goroutines query the same model; the schema cache shares a half-parsed schema between them
		return db.Find(ctx, &d.Newest, "created_at > now() - interval '1 day'") // race: f Find parses and caches the schema the other goroutine reads
	})
	g.Go(func() error { // race: f errgroup goroutines query the same model; the schema cache shares a half-parsed schema between them
		return db.Find(ctx, &d.Top, "id IN (SELECT user_id FROM orders GROUP BY user_id ORDER BY sum(total) DESC LIMIT 10)", "Orders") // race: f Find reads the relations of a schema the other goroutine is parsing
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return &d, nil
}
