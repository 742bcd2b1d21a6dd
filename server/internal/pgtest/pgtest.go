package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	// The pgx database/sql driver, registered as "pgx".
	_ "github.com/jackc/pgx/v5/stdlib"
)

// EnvVar names the environment variable holding the test server's URL,
// e.g. postgres://postgres@127.0.0.1:54330/doorstep_test?sslmode=disable.
const EnvVar = "DOORSTEP_TEST_PG"

// SkipMessage is what a test skipped for want of a server says.
const SkipMessage = "PostgreSQL tests skipped: set " + EnvVar + " (make test-pg / .ci/postgres.sh)"

// StoreEnvVar names the environment variable that makes the server's
// tests run on PostgreSQL ("postgres"); with it set, a missing server is
// a failure, not a skip: a run asked for PostgreSQL must not pass without
// it.
const StoreEnvVar = "DOORSTEP_TEST_STORE"

// URL returns the test server's connection URL from DOORSTEP_TEST_PG, or
// skips the test when it is not set — fails it, when DOORSTEP_TEST_STORE
// asks for PostgreSQL.
func URL(tb testing.TB) string {
	tb.Helper()
	u := strings.TrimSpace(os.Getenv(EnvVar))
	if u == "" {
		if serverRequired() {
			tb.Fatalf("pgtest: %s=postgres but %s is not set (make test-pg / .ci/postgres.sh)", StoreEnvVar, EnvVar)
		}
		tb.Skip(SkipMessage)
	}
	return u
}

// serverRequired reports whether the run asked for PostgreSQL
// (DOORSTEP_TEST_STORE=postgres), so that a missing server fails it.
func serverRequired() bool { return os.Getenv(StoreEnvVar) == "postgres" }

// Open opens dsn with the pgx driver and closes it when the test ends. It
// fails the test when the server does not answer.
func Open(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatalf("pgtest: open %s: %v", redact(dsn), err)
	}
	tb.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		tb.Fatalf("pgtest: connect to %s: %v", redact(dsn), err)
	}
	return db
}

// FreshSchema creates a schema only this test uses and returns a DSN whose
// connections work in it (search_path is the new schema), so the tables a
// test creates are its own. The schema and everything in it is dropped when
// the test ends. Database-wide objects (advisory locks, other schemas) are
// still shared: use FreshDatabase when that matters.
func FreshSchema(tb testing.TB) string {
	tb.Helper()
	base := URL(tb)
	name := uniqueName(tb.Name())
	admin(tb, base, "CREATE SCHEMA "+quoteIdent(name))
	tb.Cleanup(func() { dropLater(tb, base, "DROP SCHEMA IF EXISTS "+quoteIdent(name)+" CASCADE") })
	dsn, err := withParam(base, "search_path", name)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// FreshDatabase creates a database only this test uses and returns its
// DSN. It is dropped when the test ends, even with connections still open
// (DROP DATABASE ... WITH (FORCE), PostgreSQL 13 or newer).
func FreshDatabase(tb testing.TB) string {
	tb.Helper()
	base := URL(tb)
	name := uniqueName(tb.Name())
	admin(tb, base, "CREATE DATABASE "+quoteIdent(name))
	tb.Cleanup(func() { dropLater(tb, base, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)") })
	dsn, err := withDatabase(base, name)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// Outage makes the database at dsn (one FreshDatabase returned) refuse
// new connections and ends every open one — what a restart or a failover
// of the database server looks like to its clients, without touching the
// other tests' databases. The database is back when restore is called
// (and when the test ends, for the cleanup's DROP DATABASE).
func Outage(tb testing.TB, dsn string) (restore func()) {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil || !isURL(dsn) || len(u.Path) < 2 {
		tb.Fatalf("pgtest: outage of %s: not a postgres:// URL naming a database", redact(dsn))
	}
	name := strings.TrimPrefix(u.Path, "/")
	base := URL(tb)
	allow := func(on bool) {
		admin(tb, base, fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS %t", quoteIdent(name), on))
	}
	allow(false)
	restored := false
	restore = func() {
		if !restored {
			restored = true
			allow(true)
		}
	}
	tb.Cleanup(restore)
	admin(tb, base, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"+strings.ReplaceAll(name, "'", "''")+"'")
	return restore
}

// admin runs one statement on the server at dsn, failing the test if it
// fails.
func admin(tb testing.TB, dsn, stmt string) {
	tb.Helper()
	if err := exec(dsn, stmt); err != nil {
		tb.Fatalf("pgtest: %s: %v", stmt, err)
	}
}

// dropLater is admin for cleanups: a failure is reported, not fatal.
func dropLater(tb testing.TB, dsn, stmt string) {
	if err := exec(dsn, stmt); err != nil {
		tb.Errorf("pgtest: cleanup %s: %v", stmt, err)
	}
}

func exec(dsn, stmt string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("open %s: %w", redact(dsn), err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("on %s: %w", redact(dsn), err)
	}
	return nil
}

// uniqueName makes a PostgreSQL identifier from a test name: "t_", the
// name's letters and digits in lower case (others become "_"), cut to fit,
// and 8 random hex digits — at most 63 bytes, PostgreSQL's limit.
func uniqueName(test string) string {
	var b strings.Builder
	b.WriteString("t_")
	for _, r := range strings.ToLower(test) {
		if b.Len() >= 2+44 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	var rnd [4]byte
	rand.Read(rnd[:]) //nolint:errcheck // crypto/rand.Read never fails (Go 1.24+)
	b.WriteString("_" + hex.EncodeToString(rnd[:]))
	return b.String()
}

// quoteIdent quotes an identifier for SQL.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// withParam returns dsn (URL or keyword=value form) with a run-time
// parameter set.
func withParam(dsn, key, value string) (string, error) {
	if isURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("%s: %w", redact(dsn), err)
		}
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return dsn + " " + key + "=" + value, nil
}

// withDatabase returns dsn pointing at database name.
func withDatabase(dsn, name string) (string, error) {
	if isURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("%s: %w", redact(dsn), err)
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	return dsn + " dbname=" + name, nil
}

func isURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// redact hides a password in a URL DSN for messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && isURL(dsn) {
		return u.Redacted()
	}
	if strings.Contains(dsn, "password") {
		return "(connection string)"
	}
	return dsn
}
