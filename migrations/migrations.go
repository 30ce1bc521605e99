// Package migrations holds the embedded, numbered SQL migrations and applies them with goose.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed sqlite/*.sql
var files embed.FS

// Up applies every pending migration of the dialect ("sqlite3") to db. Each migration runs in its
// own transaction and is recorded only when it succeeds, so running Up again is a no-op.
func Up(ctx context.Context, db *sql.DB, dialect string) error {
	var dir string
	var d goose.Dialect
	switch dialect {
	case "sqlite3":
		dir, d = "sqlite", goose.DialectSQLite3
	default:
		return fmt.Errorf("migrations: unsupported dialect %q", dialect)
	}
	sub, err := fs.Sub(files, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(d, db, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}
