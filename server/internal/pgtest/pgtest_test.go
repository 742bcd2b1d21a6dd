package pgtest

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// TestURLSkipsWithoutServer: with DOORSTEP_TEST_PG unset a test using URL
// is skipped, saying how to run it.
func TestURLSkipsWithoutServer(t *testing.T) {
	t.Setenv(EnvVar, "")
	t.Setenv(StoreEnvVar, "")
	var inner *testing.T
	t.Run("inner", func(t *testing.T) {
		inner = t
		URL(t)
		t.Error("URL returned without a server")
	})
	if !inner.Skipped() {
		t.Error("test was not skipped")
	}
}

// TestServerRequired: a run with DOORSTEP_TEST_STORE=postgres needs the
// server; without it (or with another store) its absence only skips.
func TestServerRequired(t *testing.T) {
	for v, want := range map[string]bool{"postgres": true, "": false, "sqlite": false} {
		t.Setenv(StoreEnvVar, v)
		if got := serverRequired(); got != want {
			t.Errorf("%s=%q: server required %v, want %v", StoreEnvVar, v, got, want)
		}
	}
}

func TestURL(t *testing.T) {
	t.Setenv(EnvVar, " postgres://u@h:1/db ")
	if got := URL(t); got != "postgres://u@h:1/db" {
		t.Errorf("URL = %q", got)
	}
}

func TestUniqueName(t *testing.T) {
	a, b := uniqueName("TestX/sub case-1"), uniqueName("TestX/sub case-1")
	if a == b {
		t.Errorf("two names for one test are equal: %s", a)
	}
	if !strings.HasPrefix(a, "t_testx_sub_case_1_") {
		t.Errorf("name %q", a)
	}
	long := uniqueName(strings.Repeat("VeryLongTestName", 20))
	if len(long) > 63 {
		t.Errorf("name of %d bytes: %s", len(long), long)
	}
	for _, r := range long {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			t.Errorf("name %q holds %q", long, r)
		}
	}
}

func TestDSNs(t *testing.T) {
	for _, c := range []struct{ in, param, db string }{
		{"postgres://u@h:5/d?sslmode=disable", "postgres://u@h:5/d?search_path=s1&sslmode=disable", "postgres://u@h:5/x1?sslmode=disable"},
		{"host=h port=5 dbname=d", "host=h port=5 dbname=d search_path=s1", "host=h port=5 dbname=d dbname=x1"},
	} {
		if got, err := withParam(c.in, "search_path", "s1"); err != nil || got != c.param {
			t.Errorf("withParam(%q) = %q, %v; want %q", c.in, got, err, c.param)
		}
		if got, err := withDatabase(c.in, "x1"); err != nil || got != c.db {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", c.in, got, err, c.db)
		}
	}
	if r := redact("postgres://u:secret@h/d"); strings.Contains(r, "secret") {
		t.Errorf("redact kept the password: %s", r)
	}
}

// exists reports whether a schema or database of that name exists.
func exists(t *testing.T, db *sql.DB, query, name string) bool {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// TestFreshSchema runs against a real server: two tests' schemas hold
// tables of the same name apart, and each schema is gone when its test
// ends.
func TestFreshSchema(t *testing.T) {
	admin := Open(t, URL(t))
	const q = `SELECT count(*) FROM pg_namespace WHERE nspname = $1`
	var names []string
	for i, v := range []int{1, 2} {
		t.Run("case", func(t *testing.T) {
			dsn := FreshSchema(t)
			db := Open(t, dsn)
			var schema string
			if err := db.QueryRow(`SELECT current_schema()`).Scan(&schema); err != nil {
				t.Fatal(err)
			}
			names = append(names, schema)
			if !strings.HasPrefix(schema, "t_testfreshschema_case") || !exists(t, admin, q, schema) {
				t.Fatalf("current schema %q", schema)
			}
			if _, err := db.Exec(`CREATE TABLE things (v int)`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`INSERT INTO things VALUES ($1)`, v); err != nil {
				t.Fatal(err)
			}
			var got, n int
			if err := db.QueryRow(`SELECT min(v), count(*) FROM things`).Scan(&got, &n); err != nil {
				t.Fatal(err)
			}
			if got != v || n != 1 {
				t.Errorf("case %d sees things %d (%d rows): another test's table", i, got, n)
			}
		})
	}
	if len(names) != 2 || names[0] == names[1] {
		t.Fatalf("schemas %q", names)
	}
	for _, s := range names {
		if exists(t, admin, q, s) {
			t.Errorf("schema %s left behind", s)
		}
	}
}

// TestFreshDatabase: the database exists during the test, is the one the
// DSN connects to, and is dropped afterwards even though a connection to
// it is still open when the cleanup runs.
func TestFreshDatabase(t *testing.T) {
	admin := Open(t, URL(t))
	const q = `SELECT count(*) FROM pg_database WHERE datname = $1`
	var name string
	var held *sql.DB // open past the test's end, as a leaky test would leave it
	t.Run("case", func(t *testing.T) {
		var err error
		if held, err = sql.Open("pgx", FreshDatabase(t)); err != nil {
			t.Fatal(err)
		}
		if err := held.QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !exists(t, admin, q, name) {
			t.Fatalf("database %q not found", name)
		}
	})
	if held != nil {
		defer held.Close()
	}
	if name == "" {
		t.Fatal("no database")
	}
	if exists(t, admin, q, name) {
		t.Errorf("database %s left behind", name)
	}
}

func TestOutage(t *testing.T) {
	dsn := FreshDatabase(t)
	db := Open(t, dsn)
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	restore := Outage(t, dsn)
	if _, err := db.ExecContext(ctx, `SELECT 1`); err == nil {
		t.Fatal("a connection open before the outage still works")
	}
	other, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.PingContext(ctx); err == nil {
		t.Fatal("a new connection during the outage works")
	}
	restore()
	if err := other.PingContext(ctx); err != nil {
		t.Fatalf("after restore: %v", err)
	}
}
