package schema

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// Target selects which database a migration set builds: a device's local
// database or the sync server's. Both share the synced data tables
// (migrations/*.sql); each adds its own (migrations/device, migrations/server).
type Target string

// Migration targets.
const (
	Device Target = "device"
	Server Target = "server"
)

// Version is the schema version of the synced tables: a changeset names it,
// and a peer refuses changesets whose version it cannot read. Raise it with
// every migration that adds a synced table or column (additive only).
const Version = 4

// Migration is one numbered SQL file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the migrations for a target in the order they apply.
// Numbers are unique across the shared and target folders: 0001–0099 synced
// data, 0100–0199 sync engine metadata, 0200–0299 server, 0300–0399 device app.
func Migrations(target Target) ([]Migration, error) {
	var out []Migration
	for _, dir := range []string{"migrations", "migrations/" + string(target)} {
		entries, err := fs.ReadDir(migrationFS, dir)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
				continue
			}
			num, _, ok := strings.Cut(e.Name(), "_")
			v, err := strconv.Atoi(num)
			if !ok || err != nil {
				return nil, fmt.Errorf("migration %s: name must start with a number and '_'", e.Name())
			}
			b, err := migrationFS.ReadFile(path.Join(dir, e.Name()))
			if err != nil {
				return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
			}
			out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(b)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share number %d", out[i-1].Name, out[i].Name, out[i].Version)
		}
	}
	return out, nil
}

// Migrate brings db up to date for target, applying each missing migration
// in its own transaction and recording it in schema_migrations. It is safe
// to call on every start.
func Migrate(ctx context.Context, db *sql.DB, target Target) error {
	ms, err := Migrations(target)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range ms {
		if err := apply(ctx, db, m); err != nil {
			return err
		}
	}
	return nil
}

func apply(ctx context.Context, db *sql.DB, m Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", m.Name, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: check: %w", m.Name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
		return fmt.Errorf("migration %s: record: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.Name, err)
	}
	return nil
}
