package demo_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"doorstep/schema"
	"doorstep/schema/demo"
)

// openDB opens a new migrated SQLite database in a temp dir.
func openDB(tb testing.TB, target schema.Target) *sql.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "demo.db")
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := schema.Migrate(context.Background(), db, target); err != nil {
		tb.Fatal(err)
	}
	return db
}

func TestWrite(t *testing.T) {
	d := testDistrict(t)
	db := openDB(t, schema.Server)
	ctx := context.Background()
	if err := demo.Write(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	f := demo.Totals(d)
	for _, tb := range schema.Reg.Tables() {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+tb.Name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != f.Rows[tb.Name] {
			t.Errorf("%s: %d rows in the database, %d generated", tb.Name, n, f.Rows[tb.Name])
		}
	}
	var households, people int
	var payout int64
	if err := db.QueryRowContext(ctx, `SELECT count(*), sum(covered_members), sum(benefit_fen)
		FROM households WHERE status = 'active'`).Scan(&households, &people, &payout); err != nil {
		t.Fatal(err)
	}
	if households != demo.TargetActiveHouseholds || people != demo.TargetPeople || payout != f.MonthlyPayoutFen {
		t.Errorf("database: %d households, %d people, %d fen; want %d, %d, %d",
			households, people, payout, demo.TargetActiveHouseholds, demo.TargetPeople, f.MonthlyPayoutFen)
	}
	var area float64
	var nullGrades int
	if err := db.QueryRowContext(ctx, `SELECT sum(floor_area), count(*) - count(disability_grade) FROM assets, members
		WHERE assets.owner_member_id = members.id AND assets.kind = 'dwelling'`).Scan(&area, &nullGrades); err != nil {
		t.Fatal(err)
	}
	if area <= 0 || nullGrades == 0 {
		t.Errorf("REAL and NULL values did not round-trip: area %v, NULL grades %d", area, nullGrades)
	}
	// Writing the same district again fails on the primary keys.
	if err := demo.Write(ctx, db, d); err == nil {
		t.Error("second Write of the same district succeeded")
	}
}

func TestWriteRefusesBadRows(t *testing.T) {
	ctx := context.Background()
	good := testDistrict(t).Table("streets")[0]
	withValue := func(col string, v any) demo.Row {
		r := demo.Row{Table: good.Table, ID: good.ID, Values: map[string]any{}}
		for k, x := range good.Values {
			r.Values[k] = x
		}
		r.Values[col] = v
		return r
	}
	missing := withValue("name", nil)
	delete(missing.Values, "name")
	cases := map[string]demo.Row{
		"unknown table":  {Table: "sqlite_master", ID: good.ID, Values: good.Values},
		"unknown column": withValue("name; DROP TABLE streets", "x"),
		"missing column": missing,
		"wrong type":     withValue("name", 42),
		"int not int64":  withValue("deleted", 0),
		"no id":          {Table: good.Table, Values: good.Values},
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			db := openDB(t, schema.Device)
			d := &demo.District{Rows: []demo.Row{good, bad}}
			if err := demo.Write(ctx, db, d); err == nil {
				t.Fatal("Write accepted the row")
			}
			var n int
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM streets").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d rows committed from a refused batch", n)
			}
		})
	}
}

func TestWriteCanceled(t *testing.T) {
	db := openDB(t, schema.Device)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := demo.Write(ctx, db, testDistrict(t))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Write with a canceled context: %v", err)
	}
}
