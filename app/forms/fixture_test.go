package forms

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"doorstep/app/records"
	"doorstep/schema/district"
	"doorstep/schema/rules"
)

// refNow is the tests' clock: 2025-06-15 09:00 local time.
var refNow = time.Date(2025, 6, 15, 9, 0, 0, 0, time.Local)

var ctx = context.Background()

// mustEnv opens a fresh device database with a small district: street s1,
// community c1 (urban), staff w1 (the signed-in worker), w2 and w3 of c1,
// volunteer v1 paired with elder e1 through p1, and household h1 with two
// members and one income.
func mustEnv(tb testing.TB) Env {
	tb.Helper()
	db, err := records.OpenDB(ctx, filepath.Join(tb.TempDir(), "device.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	var n atomic.Int64
	env := Env{DB: db, Now: func() time.Time { return refNow }, Config: district.Default(), UserID: "w1",
		NewID: func() string { return fmt.Sprintf("id%03d", n.Add(1)) }}
	exec(tb, db, `INSERT INTO streets(id, name) VALUES ('s1', '解放街道')`)
	exec(tb, db, `INSERT INTO communities(id, street_id, name, urban) VALUES ('c1', 's1', '民主社区', 1)`)
	exec(tb, db, `INSERT INTO staff(id, name, role, community_id) VALUES ('w1', '李娜', 'worker', 'c1'),
		('w2', '王强', 'worker', 'c1'), ('w3', '刘洋', 'worker', 'c1'), ('v1', '赵敏', 'volunteer', 'c1')`)
	exec(tb, db, `INSERT INTO households(id, community_id, ref_code, address, head_name, status, class, urban, hukou_local, caseworker_id, benefit_fen)
		VALUES ('h1', 'c1', 'JF-001', '民主路12号', '张三', 'active', 'B', 1, 1, 'w1', 22000)`)
	exec(tb, db, `INSERT INTO members(id, household_id, community_id, name, id_number, sex, relationship, birth_date, counted)
		VALUES ('m1', 'h1', 'c1', '张三', ?, 'male', 'self', '1980-01-01', 1),
		       ('m2', 'h1', 'c1', '陈红', ?, 'female', 'spouse', '1982-03-04', 1)`,
		rules.MakeID("410802", date("1980-01-01"), 11), rules.MakeID("410802", date("1982-03-04"), 22))
	exec(tb, db, `INSERT INTO incomes(id, household_id, member_id, community_id, kind, monthly_fen)
		VALUES ('i1', 'h1', 'm1', 'c1', 'wages', 18000)`)
	exec(tb, db, `INSERT INTO elders(id, community_id, name, sex, birth_date, address, phone, needs)
		VALUES ('e1', 'c1', '孙奶奶', 'female', '1945-02-03', '民主路3号', '13800000001', '["emotional_comfort"]')`)
	exec(tb, db, `INSERT INTO volunteer_pairings(id, elder_id, community_id, mode, volunteer_ids, started_on)
		VALUES ('p1', 'e1', 'c1', 'one_to_one', '["v1"]', '2025-01-01')`)
	return env
}

func exec(tb testing.TB, db *sql.DB, q string, args ...any) {
	tb.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
}

func date(s string) time.Time {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// one reads a single value.
func one[T any](tb testing.TB, db *sql.DB, q string, args ...any) T {
	tb.Helper()
	var v T
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return v
}

// fields returns the field names of issues.
func fields(is Issues) []string {
	out := make([]string, len(is))
	for i, x := range is {
		out[i] = x.Field
	}
	return out
}
