package store

import (
	"context"
	"testing"
)

func TestAnalyze(t *testing.T) { eachBackend(t, testAnalyze) }

// testAnalyze: after Analyze every table of a PostgreSQL store has
// statistics (pg_class.reltuples is -1 for a table never analysed); a
// SQLite store is left without any (no sqlite_stat1), as its queries
// expect.
func testAnalyze(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	writeHouseholds(t, s, 50)
	if err := s.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	if !s.Postgres() {
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("sqlite_stat1 tables: %d, %v; want none", n, err)
		}
		return
	}
	var tables, unanalysed int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE c.reltuples < 0)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind = 'r'`).Scan(&tables, &unanalysed); err != nil {
		t.Fatal(err)
	}
	if tables < 10 || unanalysed != 0 {
		t.Errorf("%d tables, %d without statistics after Analyze", tables, unanalysed)
	}
	var households float64
	if err := s.DB().QueryRowContext(ctx, `SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relname = 'households'`).Scan(&households); err != nil {
		t.Fatal(err)
	}
	if households != 50 {
		t.Errorf("households: statistics say %v rows, want 50", households)
	}
}
