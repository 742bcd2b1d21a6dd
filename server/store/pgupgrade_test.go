package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/server/internal/pgtest"
	"doorstep/sync/evidence"
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
