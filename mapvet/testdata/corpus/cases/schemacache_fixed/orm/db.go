// Package orm runs queries on models described by package schema.
//
// Report: https://github.com/go-gorm/gorm/issues/5273
package orm

import (
	"context"
	"fmt"
	"strings"

	"corpus/cases/schemacache_fixed/schema"
)

// Querier runs SQL.
type Querier interface {
	Query(ctx context.Context, dest any, query string, args ...any) error
}

// DB is a handle safe for concurrent use.
type DB struct {
	conn Querier
}

// Open returns a DB over conn.
func Open(conn Querier) *DB { return &DB{conn: conn} }

// Find loads the rows matching where into dest, and the preloaded
// relations.
func (db *DB) Find(ctx context.Context, dest any, where string, preload ...string) error {
	s, err := schema.Parse(dest)
	if err != nil {
		return err
	}
	cols := make([]string, 0, len(s.Fields))
	for _, f := range s.Fields {
		if !f.IsRelation {
			cols = append(cols, f.DBName)
		}
	}
	q := fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ", "), s.Table)
	if where != "" {
		q += " WHERE " + where
	}
	if err := db.conn.Query(ctx, dest, q); err != nil {
		return err
	}
	for _, name := range preload {
		rel, ok := s.Relation(name)
		if !ok {
			return fmt.Errorf("%s: unsupported relation %q", s.Name, name)
		}
		if err := db.conn.Query(ctx, dest, "PRELOAD "+rel.Type+" "+rel.Name); err != nil {
			return err
		}
	}
	return nil
}
