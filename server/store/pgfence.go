package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"doorstep/schema"
)

// The upgrade fence. Several server processes share one PostgreSQL
// database, and an upgrade replaces them one at a time: the first process
// of a newer release to start brings the database up to its schema
// (migrate) while processes of the older release still serve. Those must
// stop writing and pulling at once: an older process does not know a
// column the newer schema added, so it would pull rows without it (a
// device's cursor passing changes it never received) and merge rows
// without its clocks. So the database records both versions it was
// migrated to — the server tables' (the steps in schema_migrations) and
// the synced tables' (schema.Version, in server_meta) — and a process
// checks them where it cannot go wrong:
//
//   - every write transaction reads them once it holds the write lock
//     (lock, in the statement that reads the clock), and migrate takes the
//     same lock, so no write of an older process follows an upgrade;
//   - every listing of changed rows a pull's cursor moves over reads them
//     in the same statement (listChanged), so in the same snapshot: a
//     change written under the newer schema commits after the upgrade
//     did, so a snapshot that holds it holds the upgrade too.
//
// A process that finds the database newer than itself answers every
// request after that busy (503) and /readyz 503, so a load balancer sends
// its devices to the upgraded processes, and it refuses to start again
// (migrate) until it is replaced.

// ErrOutdated: the database was upgraded by a newer release of the server
// than this process.
var ErrOutdated = errors.New("the database was upgraded by a newer doorstep-server release; this process is outdated and must be replaced")

// pgDataVersionKey is the server_meta key holding the synced tables'
// schema version the database was last migrated to.
const pgDataVersionKey = "pg_data_version"

// The database's two versions as SQL expressions: the server tables'
// (an integer), the synced tables' (text).
const (
	pgStepsSQL    = `(SELECT coalesce(max(version), 0) FROM schema_migrations)`
	pgDataSQL     = `coalesce((SELECT value FROM server_meta WHERE key = '` + pgDataVersionKey + `'), '0')`
	pgVersionsSQL = pgStepsSQL + `, ` + pgDataSQL
)

// checkVersions returns ErrOutdated, and marks the engine outdated, when
// the database's versions (as read) are newer than this build's.
func (e *pgEngine) checkVersions(steps int, data string) error {
	d, err := strconv.Atoi(data)
	if err != nil {
		return fmt.Errorf("the synced tables' schema version %q: %w", data, err)
	}
	if steps > len(pgServerSteps) || d > schema.Version {
		e.old.Store(true)
		return fmt.Errorf("%w (the database: server tables version %d, synced tables version %d; this process: %d and %d)",
			ErrOutdated, steps, d, len(pgServerSteps), schema.Version)
	}
	return nil
}

// fence checks that the database has not been upgraded past this process
// (for /readyz: requests meet the checks above).
func (e *pgEngine) fence(ctx context.Context) error {
	var steps int
	var data string
	if err := e.db.QueryRowContext(ctx, `SELECT `+pgVersionsSQL).Scan(&steps, &data); err != nil {
		return fmt.Errorf("read schema versions: %w", err)
	}
	return e.checkVersions(steps, data)
}

// outdated reports whether this process found the database upgraded past
// it.
func (e *pgEngine) outdated() bool { return e.old.Load() }

// CheckVersion returns ErrOutdated when the database has been upgraded by
// a newer release than this process (nil on SQLite).
func (s *Store) CheckVersion(ctx context.Context) error { return s.eng.fence(ctx) }

// Outdated reports whether this process found its database upgraded by a
// newer release (ErrOutdated): it serves nothing more and must be
// replaced. Always false on SQLite, which one process serves.
func (s *Store) Outdated() bool { return s.eng.outdated() }
