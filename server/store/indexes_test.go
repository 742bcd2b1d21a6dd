package store

import (
	"context"
	"testing"

	"doorstep/schema"
)

// TestSyncedIndexesOnEveryBackend: every index the migrations make on a
// synced table exists in the store, on both backends. The PostgreSQL
// backend builds the synced tables from the registry; it once made only
// their scope columns' indexes, and every lookup of a household's members
// or visits there scanned the table (4 ms a call, most of the database's
// time under 1,000 devices).
func TestSyncedIndexesOnEveryBackend(t *testing.T) { eachBackend(t, testSyncedIndexes) }

func testSyncedIndexes(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	xs, err := schema.SyncedIndexes()
	if err != nil {
		t.Fatal(err)
	}
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ? AND tbl_name = ?`
	if s.Postgres() {
		q = `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ? AND tablename = ?`
	}
	for _, x := range xs {
		var n int
		if err := s.DB().QueryRowContext(ctx, q, x.Name, x.Table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("index %s on %s is missing", x.Name, x.Table)
		}
	}
}
