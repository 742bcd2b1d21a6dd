package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"doorstep/sync/replica"
)

// TestInstallTriggers: opening a SQLite store reinstalls the scope move
// and pull index triggers that went missing or changed (one of each
// dropped, one altered), refilling the pull index; opening one whose
// triggers are all as wanted changes nothing in its schema.
func TestInstallTriggers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	open := func() *Store {
		t.Helper()
		s, err := Open(ctx, path, Options{Now: time.Now, BlobDir: filepath.Join(t.TempDir(), "blobs")})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	schemaVersion := func(s *Store) int {
		t.Helper()
		var v int
		if err := s.db.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	s := open()
	err := s.Write(ctx, "", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO households(id, community_id, head_name) VALUES ('h1', 'c1', 'x')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.rep.Changes(ctx, replica.Cursor{}, 1); err != nil { // folds the write into sync_rows
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TRIGGER scope_move_households`,
		`DROP TRIGGER pull_index_ad_households`,
		`DROP TRIGGER pull_index_rows_au`,
		`CREATE TRIGGER pull_index_rows_au AFTER UPDATE OF seq ON sync_rows BEGIN SELECT 1; END`,
		`DELETE FROM pull_index`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()

	s = open()
	for _, c := range []struct {
		prefix string
		want   map[string]string
	}{{"scope_move_", moveTriggerSQL()}, {"pull_index_", nil}} {
		have, err := s.triggers(ctx, c.prefix)
		if err != nil {
			t.Fatal(err)
		}
		want := c.want
		if want == nil {
			tables, err := pullIndexTables(s.rep)
			if err != nil {
				t.Fatal(err)
			}
			want = pullIndexTriggerSQL(tables)
		}
		if len(have) != len(want) {
			t.Errorf("%s*: %d triggers, want %d", c.prefix, len(have), len(want))
		}
		for name, q := range want {
			if have[name] != q {
				t.Errorf("trigger %s not reinstalled: %q", name, have[name])
			}
		}
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM pull_index`).Scan(&n); err != nil || n == 0 {
		t.Errorf("pull index not refilled: %d entries, %v", n, err)
	}
	checkPullIndex(t, s)
	v := schemaVersion(s)
	s.Close()

	s = open()
	defer s.Close()
	if got := schemaVersion(s); got != v {
		t.Errorf("opening a store whose triggers are as wanted changed its schema (version %d → %d)", v, got)
	}
}
