package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"doorstep/server/internal/pgtest"
)

// TestPGCaptureUsesRowKey: a row the server writes itself (an evidence
// verdict, an administrator's edit) goes through the capture trigger, which
// reads the row's clocks from sync_rows. That read must be a probe of the
// (t, id) key, a few pages a row, not a scan: the trigger runs under the
// write lock every merge of every process waits for. Version 4 of the
// trigger as first shipped compared t with TG_TABLE_NAME, whose collation
// ("C") is not the key's, and a verdict page took up to 220 ms on a
// district's database; version 5 replaces it, also in a database already
// at version 4.
//
// The test counts the pages of sync_rows and its key index read by one
// write transaction (pg_stat_get_xact_blocks_fetched: this transaction's
// own count, from the cache or not) with 30,000 other rows in sync_rows
// (about 200 pages of table and as many of key index: a plan that does not
// probe the key reads one or the other whole).
func TestPGCaptureUsesRowKey(t *testing.T) {
	dsn := pgtest.FreshSchema(t)
	ctx := context.Background()
	s, err := Open(ctx, dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO sync_rows (t, id, seq)
		SELECT 'padding', 'p' || g, nextval('sync_seq') FROM generate_series(1, 30000) AS g`); err != nil {
		t.Fatal(err)
	}
	const rows = 5
	// A probe of a three-level index and its row, and an upsert: about
	// eight pages a row. A scan of the table or the index: 200 a row.
	const most = rows * 20
	check := func(s *Store, prefix string, wantScan bool) {
		t.Helper()
		for _, step := range []string{
			`INSERT INTO households (id, community_id, head_name) SELECT ? || g, 'c1', '甲' FROM generate_series(1, 5) AS g`,
			`UPDATE households SET head_name = '乙' WHERE id LIKE ? || '%'`,
		} {
			pages, err := capturePages(ctx, s, step, prefix, rows)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			verb, _, _ := strings.Cut(step, " ")
			t.Logf("%s of %d rows (%s): %d pages of sync_rows and its key", verb, rows, prefix, pages)
			if wantScan && pages <= most {
				t.Errorf("%s through the old trigger read %d pages: the test cannot tell a scan from a probe", verb, pages)
			}
			if !wantScan && pages > most {
				t.Errorf("%s of %d rows read %d pages of sync_rows and its key, want at most %d: the capture trigger does not use the key",
					verb, rows, pages, most)
			}
		}
	}
	check(s, "new", false)

	// A database at version 4 with the trigger as first shipped: it scans,
	// and opening it with this server upgrades it to a trigger that does not.
	old := strings.Replace(pgCaptureInRows, `TG_TABLE_NAME::text COLLATE "default"`, `TG_TABLE_NAME`, 1)
	if old == pgCaptureInRows {
		t.Fatal("the lookup this test undoes is not in pgCaptureInRows")
	}
	for _, q := range []string{old, `DELETE FROM schema_migrations WHERE version > 4`} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	check(s, "old", true)
	s.Close()
	if s, err = Open(ctx, dsn, Options{}); err != nil {
		t.Fatalf("open the version 4 database: %v", err)
	}
	check(s, "upgraded", false)

	var n int64
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM sync_rows WHERE t = 'households'`).Scan(&n); err != nil || n != 3*rows {
		t.Errorf("sync_rows holds %d households (%v), want %d", n, err, 3*rows)
	}
}

// capturePages runs stmt (its one parameter: prefix) as the store's own
// write and returns how many pages of sync_rows and its key index the
// write's transaction read. It fails unless stmt wrote rows rows.
func capturePages(ctx context.Context, s *Store, stmt, prefix string, rows int64) (int64, error) {
	e, ok := s.eng.(*pgEngine)
	if !ok {
		return 0, fmt.Errorf("engine %T, want PostgreSQL's", s.eng)
	}
	var pages int64
	err := e.write(ctx, "admin", func(tx *sql.Tx) error {
		read := func() (int64, error) {
			var n int64
			err := tx.QueryRowContext(ctx, `SELECT pg_stat_get_xact_blocks_fetched('sync_rows'::regclass)
				+ pg_stat_get_xact_blocks_fetched('sync_rows_pkey'::regclass)`).Scan(&n)
			return n, err
		}
		before, err := read()
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, stmt, prefix)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != rows {
			return fmt.Errorf("%d rows written, want %d", n, rows)
		}
		after, err := read()
		pages = after - before
		return err
	})
	return pages, err
}
