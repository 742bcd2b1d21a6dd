package records

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"doorstep/schema"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// OpenDB opens (creating if needed) a device database file and brings its
// schema up to date, without change capture: for tests and tools whose
// writes never sync. The app opens its database through sync/replica.
func OpenDB(ctx context.Context, path string) (*sql.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := schema.Migrate(ctx, db, schema.Device); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return db, nil
}
