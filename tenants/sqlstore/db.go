// Package sqlstore implements tenants.Store with sqlx over SQLite: one writer connection that takes
// the write lock up front (BEGIN IMMEDIATE, synchronous=FULL) and a separate pool of read-only
// connections, WAL journal, foreign keys and a busy timeout, all set in the DSN so that every pooled
// connection gets them.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"

	"workshop/migrations"
	"workshop/tenants"
)

// DB is the SQLite store. It is safe for concurrent use.
type DB struct {
	path string
	w    *sqlx.DB
	r    *sqlx.DB
	// Now returns the time a transaction runs at; tests may replace it.
	Now func() time.Time
}

var _ tenants.Store = (*DB)(nil)

const common = "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=5000"

// Open opens (creating if needed) the SQLite database at path and applies pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlstore: create %s: %w", dir, err)
		}
	}
	w, err := sqlx.Open("sqlite3", "file:"+path+"?"+common+"&_txlock=immediate&_synchronous=FULL")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	if err := migrations.Up(ctx, w.DB, "sqlite3"); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sqlx.Open("sqlite3", "file:"+path+"?mode=ro&"+common)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlstore: open readers: %w", err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	return &DB{path: path, w: w, r: r, Now: tenants.Now}, nil
}

// Close closes both pools after optimising the query planner statistics.
func (db *DB) Close() error {
	_, _ = db.w.Exec("PRAGMA optimize")
	return errors.Join(db.r.Close(), db.w.Close())
}

// Ping reports whether both pools answer.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.w.PingContext(ctx); err != nil {
		return err
	}
	return db.r.PingContext(ctx)
}

// Writer exposes the writer pool for tests and maintenance (integrity checks).
func (db *DB) Writer() *sqlx.DB { return db.w }

// Read runs fn in a read-only transaction on the reader pool.
func (db *DB) Read(ctx context.Context, fn func(tenants.Tx) error) error {
	return db.run(ctx, db.r, &sql.TxOptions{ReadOnly: true}, fn)
}

// Write runs fn in an immediate transaction on the single writer connection.
func (db *DB) Write(ctx context.Context, fn func(tenants.Tx) error) error {
	return db.run(ctx, db.w, nil, fn)
}

func (db *DB) run(ctx context.Context, pool *sqlx.DB, opts *sql.TxOptions, fn func(tenants.Tx) error) error {
	stx, err := pool.BeginTxx(ctx, opts)
	if err != nil {
		return tenants.Internal(fmt.Errorf("begin: %w", err))
	}
	defer stx.Rollback()
	t := &tx{tx: stx, now: db.Now().UTC().Truncate(time.Microsecond)}
	if err := fn(t); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return tenants.Internal(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// tx implements tenants.Tx.
type tx struct {
	tx  *sqlx.Tx
	now time.Time
}

func (t *tx) Now() time.Time { return t.now }

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	res, err := t.tx.Exec(t.tx.Rebind(query), args...)
	if err != nil {
		return nil, formatError(err)
	}
	return res, nil
}

func (t *tx) get(dest any, what, query string, args ...any) error {
	err := t.tx.Get(dest, t.tx.Rebind(query), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return tenants.NotFound(what)
	}
	if err != nil {
		return formatError(err)
	}
	return nil
}

func (t *tx) selectRows(dest any, query string, args ...any) error {
	if err := t.tx.Select(dest, t.tx.Rebind(query), args...); err != nil {
		return formatError(err)
	}
	return nil
}

// mustAffect returns ENotFound when an UPDATE touched no row.
func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return tenants.Internal(err)
	}
	if n == 0 {
		return tenants.NotFound(what)
	}
	return nil
}

// formatError turns constraint violations into EConflict and everything else into EInternal.
func formatError(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		if strings.Contains(se.Error(), "UNIQUE") || strings.Contains(se.Error(), "PRIMARY KEY") {
			return &tenants.Error{Code: tenants.EConflict, Message: "This already exists.", Err: err}
		}
	}
	return tenants.Internal(err)
}
