package schema

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// TestSyncedIndexes: the indexes read from the migrations are exactly the
// indexes a migrated SQLite database has on the synced tables, with the
// same definitions.
func TestSyncedIndexes(t *testing.T) {
	xs, err := SyncedIndexes()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := Migrate(ctx, db, Server); err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(ctx, `SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for rows.Next() {
		var name, tbl string
		if err := rows.Scan(&name, &tbl); err != nil {
			t.Fatal(err)
		}
		if _, ok := Reg.Table(tbl); ok {
			have[name] = tbl
		}
	}
	rows.Close()
	got := map[string]bool{}
	for _, x := range xs {
		got[x.Name] = true
		if have[x.Name] != x.Table {
			t.Errorf("index %s on %s: the migrated database has it on %q", x.Name, x.Table, have[x.Name])
		}
		// The statement runs on the migrated database as a no-op.
		if _, err := db.ExecContext(ctx, x.SQL()); err != nil {
			t.Errorf("%s: %v", x.SQL(), err)
		}
	}
	for name, tbl := range have {
		if !got[name] {
			t.Errorf("index %s on %s is in the migrated database but not read from the migrations", name, tbl)
		}
	}
	if len(xs) < 40 {
		t.Errorf("only %d indexes read", len(xs))
	}
}
