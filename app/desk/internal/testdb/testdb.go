// Package testdb gives the supervisor desk's tests a real SQLite device
// database in a temporary folder, and a few helpers to fill it.
package testdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver

	"doorstep/app/desk"
	"doorstep/schema"
	"doorstep/schema/demo"
)

// Open returns a device database migrated with schema.Migrate(schema.Device)
// in t.TempDir(), closed when the test ends.
func Open(tb testing.TB) *sql.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "device.db")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(5000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := schema.Migrate(context.Background(), db, schema.Device); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

// Clock is a settable clock for an Office.
type Clock struct{ T time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Office returns an Office over db for supervisor me, with a fixed clock at
// now, China Standard Time and sequential ids ("id-0001", …) so tests are
// repeatable.
func Office(db *sql.DB, me string, now time.Time) (*desk.Office, *Clock) {
	c := &Clock{T: now}
	n := 0
	return &desk.Office{
		DB:  db,
		Me:  me,
		Now: c.Now,
		NewID: func() string {
			n++
			return fmt.Sprintf("id-%04d", n)
		},
		Loc: time.FixedZone("CST", 8*3600),
	}, c
}

// Row is a row to insert: its table, id and column values.
type Row struct {
	Table  string
	ID     string
	Values map[string]any
}

// Insert writes rows through desk.Insert, failing the test on error.
func Insert(tb testing.TB, db *sql.DB, rows ...Row) {
	tb.Helper()
	for _, r := range rows {
		if err := desk.Insert(context.Background(), db, r.Table, r.ID, r.Values); err != nil {
			tb.Fatalf("insert: %v", err)
		}
	}
}

// Org inserts one street "s1" with communities "c1" and "c2", workers w1,
// w2 (c1) and w3 (c2), and supervisor "sup".
func Org(tb testing.TB, db *sql.DB) {
	tb.Helper()
	Insert(tb, db,
		Row{"streets", "s1", map[string]any{"name": "焦北街道"}},
		Row{"streets", "s2", map[string]any{"name": "民主街道"}},
		Row{"communities", "c1", map[string]any{"street_id": "s1", "name": "东社区", "urban": 1}},
		Row{"communities", "c2", map[string]any{"street_id": "s1", "name": "西社区", "urban": 1}},
		Row{"communities", "c3", map[string]any{"street_id": "s2", "name": "南社区", "urban": 1}},
		Row{"staff", "w1", map[string]any{"name": "王一", "role": "worker", "street_id": "s1", "community_id": "c1"}},
		Row{"staff", "w2", map[string]any{"name": "李二", "role": "worker", "street_id": "s1", "community_id": "c1"}},
		Row{"staff", "w3", map[string]any{"name": "张三", "role": "worker", "street_id": "s1", "community_id": "c2"}},
		Row{"staff", "w4", map[string]any{"name": "赵四", "role": "worker", "street_id": "s2", "community_id": "c3"}},
		Row{"staff", "sup", map[string]any{"name": "周主任", "role": "supervisor", "street_id": "s1"}},
	)
}

// Demo returns a device database holding the demo district (seed
// demo.DefaultSeed, figures as of ref) and the district itself.
func Demo(tb testing.TB, ref time.Time) (*sql.DB, *demo.District) {
	tb.Helper()
	db := Open(tb)
	d := demo.Generate(demo.DefaultSeed, ref)
	if err := demo.Write(context.Background(), db, d); err != nil {
		tb.Fatalf("write demo district: %v", err)
	}
	return db, d
}

// Day parses a date written as 2025-06-30, panicking on anything else (a
// test's literal).
func Day(s string) time.Time {
	t, err := time.Parse(desk.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// IsCode reports whether err is the desk's refusal with code.
func IsCode(err error, code string) bool {
	var ie *desk.InputError
	return errors.As(err, &ie) && ie.Code == code
}
