package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"doorstep/server/internal/pgtest"
)

// TestPGCaptureUsesRowKey: a row the server writes itself (an evidence
// verdict, an administrator's edit) goes through the capture trigger, which
// reads the row's clocks from sync_rows. That read must be a probe of the
// (t, id) key, a few index pages a row, not a walk of the whole key index:
// the trigger runs under the write lock every merge of every process waits
// for. It once compared t with TG_TABLE_NAME, of type name, which PostgreSQL
// cannot match to the text key, and a verdict page of eight rows took 220 ms
// on a district's database.
//
// The test counts the pages of sync_rows and its key index read by one
// write transaction
// (pg_stat_get_xact_blocks_fetched: this transaction's own count, from
// the cache or not) with 30,000
// other rows in sync_rows (about 200 pages of table, and as many of key
// index: a plan that does not probe the key reads one or the other whole).
func TestPGCaptureUsesRowKey(t *testing.T) {
	s, err := Open(context.Background(), pgtest.FreshSchema(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e, ok := s.eng.(*pgEngine)
	if !ok {
		t.Fatalf("engine %T, want PostgreSQL's", s.eng)
	}
	ctx := context.Background()
	if _, err := e.db.ExecContext(ctx, `INSERT INTO sync_rows (t, id, seq)
		SELECT 'padding', 'p' || g, nextval('sync_seq') FROM generate_series(1, 30000) AS g`); err != nil {
		t.Fatal(err)
	}
	const rows = 5
	for _, step := range []struct{ name, sql string }{
		{"insert", `INSERT INTO households (id, community_id, head_name) SELECT 'h' || g, 'c1', '甲' FROM generate_series(1, 5) AS g`},
		{"update", `UPDATE households SET head_name = '乙' WHERE id LIKE 'h%'`},
	} {
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
			res, err := tx.ExecContext(ctx, step.sql)
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
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		// A probe of a three-level index and its row, and an upsert: about
		// eight pages a row. A scan of the table or the index: 200 a row.
		if pages > rows*20 {
			t.Errorf("%s of %d rows read %d pages of sync_rows and its key, want at most %d: the capture trigger does not use the key",
				step.name, rows, pages, rows*20)
		}
		t.Logf("%s of %d rows: %d pages of sync_rows and its key", step.name, rows, pages)
	}
	var seq int64
	if err := e.db.QueryRowContext(ctx, `SELECT count(*) FROM sync_rows WHERE t = 'households'`).Scan(&seq); err != nil || seq != rows {
		t.Errorf("sync_rows holds %d households (%v), want %d", seq, err, rows)
	}
}
