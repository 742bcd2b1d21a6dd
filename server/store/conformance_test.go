package store

import (
	"path/filepath"
	"strings"
	"testing"

	"doorstep/server/internal/pgtest"
)

// The conformance suite: every store test that is not about one backend's
// files runs once per backend, as subtests "sqlite" and "postgres" (the
// litestream pattern). The PostgreSQL runs need a server named by
// DOORSTEP_TEST_PG (make test-pg); without one they are skipped, saying
// so. Each PostgreSQL test gets a fresh schema, dropped afterwards.

// eachBackend runs f as one subtest per backend.
func eachBackend(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	t.Run("sqlite", f)
	t.Run("postgres", f)
}

// isPostgresTest reports whether tb runs under eachBackend's "postgres".
func isPostgresTest(tb testing.TB) bool {
	for _, part := range strings.Split(tb.Name(), "/") {
		if part == "postgres" {
			return true
		}
	}
	return false
}

// testDB returns what Open takes for tb's backend: a new SQLite file, or
// the URL of a fresh PostgreSQL schema (skipping without a server).
func testDB(tb testing.TB) string {
	tb.Helper()
	if isPostgresTest(tb) {
		return pgtest.FreshSchema(tb)
	}
	return filepath.Join(tb.TempDir(), "server.db")
}

// failInserts makes every insert into table fail (as a full disk would),
// in the backend's own trigger language; the returned func undoes it.
func failInserts(tb testing.TB, s *Store, table string) (restore func()) {
	tb.Helper()
	create := []string{`CREATE TRIGGER fail_insert BEFORE INSERT ON ` + table + ` BEGIN SELECT RAISE(ABORT, 'disk gone'); END`}
	drop := []string{`DROP TRIGGER fail_insert`}
	if s.Postgres() {
		create = []string{
			`CREATE FUNCTION fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk gone'; END $$`,
			`CREATE TRIGGER fail_insert BEFORE INSERT ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION fail_insert()`,
		}
		drop = []string{`DROP TRIGGER fail_insert ON ` + table, `DROP FUNCTION fail_insert()`}
	}
	for _, q := range create {
		if _, err := s.db.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
	return func() {
		tb.Helper()
		for _, q := range drop {
			if _, err := s.db.Exec(q); err != nil {
				tb.Fatal(err)
			}
		}
	}
}
