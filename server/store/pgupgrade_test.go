package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/server/internal/pgtest"
	"doorstep/sync/change"
	"doorstep/sync/evidence"
	"doorstep/sync/hlc"
	"doorstep/sync/replica"
)

// TestPostgresUpgrade: a PostgreSQL database made by an older server (at
// server schema version 1, before devices had evidence keys, and with a
// synced table that lacks a column the registry has since gained) is
// brought up to date when a newer server opens it, keeping its rows; and a
// database newer than the server is refused with a clear error.
func TestPostgresUpgrade(t *testing.T) {
	dsn := pgtest.FreshSchema(t)
	ctx := context.Background()
	open := func() *Store {
		t.Helper()
		s, err := Open(ctx, dsn, Options{Now: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	w := mustAddUser(t, s, User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	hh, _ := schema.Reg.Table("households")
	col := hh.Columns[len(hh.Columns)-1].Name
	// Make it the old database: no public_key, version 1, one registry
	// column missing, no data DDL fingerprint.
	for _, q := range []string{
		`ALTER TABLE devices DROP COLUMN public_key`,
		`DELETE FROM schema_migrations WHERE version > 1`,
		`ALTER TABLE households DROP COLUMN ` + col,
		`DELETE FROM server_meta WHERE key = 'pg_data_ddl'`,
	} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()

	s = open()
	defer s.Close()
	code, _, err := s.CreateEnrollCode(ctx, w.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.Enroll(ctx, code, "平板", "0195f000-0000-7000-8000-0000000000ab", 0)
	if err != nil {
		t.Fatalf("enroll on the upgraded database: %v", err)
	}
	key := testKey(t, 7)
	if err := s.RegisterDeviceKey(ctx, e.Device.ID, evidence.EncodePublicKey(key.Public())); err != nil {
		t.Fatalf("register a key on the upgraded database: %v", err)
	}
	var n int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM households WHERE `+col+` IS NULL`).Scan(&n); err != nil {
		t.Fatalf("households.%s after the upgrade: %v", col, err)
	}
	if got := mustUsers(t, s); !strings.Contains(got, "王芳") {
		t.Errorf("users after the upgrade: %s", got)
	}
	var v int
	if err := s.DB().QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil || v != len(pgServerSteps) {
		t.Errorf("schema version after the upgrade: %d, %v; want %d", v, err, len(pgServerSteps))
	}

	if _, err := s.DB().ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, '')`, len(pgServerSteps)+1); err != nil {
		t.Fatal(err)
	}
	if s2, err := Open(ctx, dsn, Options{Now: time.Now}); err == nil {
		s2.Close()
		t.Error("a database newer than the server opened")
	} else if !strings.Contains(err.Error(), "newer") {
		t.Errorf("opening a newer database: %v", err)
	}
}

// mustUsers lists the users' names, one per line.
func mustUsers(t *testing.T, s *Store) string {
	t.Helper()
	us, err := s.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range us {
		names = append(names, u.Name)
	}
	return strings.Join(names, "\n")
}

// TestPostgresCellsFold: a database at server schema version 3 keeps its
// cell clocks in sync_cells, a row a cell; version 4 folds them into
// arrays on sync_rows (pgcells.go). Every row keeps each cell's clock,
// writer and sequence number: the rows read back, and pulls from the start
// and from a cursor between two writes of one row, are what they were.
func TestPostgresCellsFold(t *testing.T) {
	dsn := pgtest.FreshSchema(t)
	ctx := context.Background()
	s, err := Open(ctx, dsn, Options{Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	site := uuid.NewString()
	at := hlc.New(time.Now().UnixMilli(), 0)
	a, b := uuid.NewString(), uuid.NewString()
	set := func(h hlc.Timestamp, cs ...change.Change) *change.Set {
		for i := range cs {
			cs[i].Table, cs[i].Clock, cs[i].User = "households", change.Clock{HLC: h, Site: site}, "worker"
		}
		return &change.Set{Site: site, Schema: schema.Version, Changes: cs}
	}
	if _, err := s.eng.apply(ctx, set(at,
		change.Change{ID: a, Column: "community_id", Value: "c1"}, change.Change{ID: a, Column: "head_name", Value: "甲"},
		change.Change{ID: b, Column: "community_id", Value: "c2"}, change.Change{ID: b, Column: "head_name", Value: "乙"}), nil); err != nil {
		t.Fatal(err)
	}
	mid := mustPage(t, s, replica.Cursor{}).Next
	if _, err := s.eng.apply(ctx, set(at+5, change.Change{ID: a, Column: "head_name", Value: "甲二"}), nil); err != nil {
		t.Fatal(err)
	}
	// The server's own write, through the capture trigger.
	if err := s.eng.write(ctx, "admin", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE households SET address = '一号' WHERE id = ?`, b)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	refs := []change.RowRef{{Table: "households", ID: a}, {Table: "households", ID: b}}
	snapshot := func() string {
		t.Helper()
		rows, err := s.eng.rowStates(ctx, refs)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("rows %v %v\nfrom the start %v\nfrom %v %v", rows[refs[0]], rows[refs[1]],
			mustPage(t, s, replica.Cursor{}).Rows, mid, mustPage(t, s, mid).Rows)
	}
	before := snapshot()
	if !strings.Contains(before, "甲二") || !strings.Contains(before, "一号") {
		t.Fatalf("before the upgrade: %s", before)
	}
	for _, q := range []string{
		`CREATE TABLE sync_cells (t TEXT NOT NULL, id TEXT NOT NULL, c TEXT NOT NULL, hlc BIGINT NOT NULL, w BIGINT NOT NULL,
			seq BIGINT NOT NULL, PRIMARY KEY (t, id, c))`,
		`INSERT INTO sync_cells SELECT r.t, r.id, u.c, u.h, u.w, u.s FROM sync_rows r, unnest(r.cols, r.hlcs, r.ws, r.seqs) AS u(c, h, w, s)`,
		`ALTER TABLE sync_rows DROP COLUMN cols, DROP COLUMN hlcs, DROP COLUMN ws, DROP COLUMN seqs`,
		`DELETE FROM schema_migrations WHERE version > 3`,
	} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	if s, err = Open(ctx, dsn, Options{Now: time.Now}); err != nil {
		t.Fatalf("open the version 3 database: %v", err)
	}
	defer s.Close()
	if after := snapshot(); after != before {
		t.Errorf("after the upgrade:\n%s\nwant\n%s", after, before)
	}
	var left any
	if err := s.DB().QueryRowContext(ctx, `SELECT to_regclass('sync_cells')`).Scan(&left); err != nil || left != nil {
		t.Errorf("sync_cells after the upgrade: %v, %v", left, err)
	}
}

// mustPage reads the first page of changes after cur.
func mustPage(t *testing.T, s *Store, cur replica.Cursor) replica.Page {
	t.Helper()
	p, err := s.eng.changes(context.Background(), cur, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
