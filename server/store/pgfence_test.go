package store

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// TestUpgradeFence: a process whose PostgreSQL database a newer release
// has upgraded (its synced tables' schema version, or its server tables'
// steps, past this build's) merges no push and sends no pull page any
// more (ErrOutdated), stores nothing of what it refused, and cannot open
// the database again; until then it serves as usual.
func TestUpgradeFence(t *testing.T) {
	for _, newer := range []struct{ name, q string }{
		{"synced-tables", `UPDATE server_meta SET value = '` + strconv.Itoa(schema.Version+1) + `' WHERE key = '` + pgDataVersionKey + `'`},
		{"server-tables", `INSERT INTO schema_migrations (version, applied_at) VALUES (` + strconv.Itoa(len(pgServerSteps)+1) + `, '2027-01-01T00:00:00Z')`},
	} {
		t.Run(newer.name+"/postgres", func(t *testing.T) {
			ctx := context.Background()
			dsn := testDB(t)
			s, err := Open(ctx, dsn, Options{Now: time.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var recorded string
			if err := s.db.QueryRow(`SELECT value FROM server_meta WHERE key = '` + pgDataVersionKey + `'`).Scan(&recorded); err != nil || recorded != strconv.Itoa(schema.Version) {
				t.Fatalf("synced tables' version recorded at open: %q %v, want %d", recorded, err, schema.Version)
			}
			sv := &scope.User{ID: "sv", Role: schema.RoleSupervisor}
			site := uuid.NewString()
			dev := Device{ID: "dev", UserID: "sv", SiteID: site}
			push := func(name string) error {
				at := change.Clock{HLC: hlc.New(time.Now().UnixMilli(), 0), Site: site}
				set := &change.Set{Batch: xid.New().String(), Site: site, Changes: []change.Change{
					{Table: "streets", ID: uuid.Must(uuid.NewV7()).String(), Column: "name", Value: name, Clock: at, User: "sv"}}}
				_, err := s.Ingest(ctx, dev, sv, set)
				return err
			}
			if err := push("焦西街道"); err != nil {
				t.Fatal(err)
			}
			if p, err := s.Pull(ctx, sv, "", 1000); err != nil || len(p.Changes) == 0 {
				t.Fatalf("pull before the upgrade: %d changes, %v", len(p.Changes), err)
			}
			if err := s.CheckVersion(ctx); err != nil || s.Outdated() {
				t.Fatalf("before the upgrade: %v, outdated %v", err, s.Outdated())
			}

			// A process of a newer release upgrades the database.
			if _, err := s.db.Exec(newer.q); err != nil {
				t.Fatal(err)
			}
			if err := push("民主街道"); !errors.Is(err, ErrOutdated) {
				t.Errorf("push after the upgrade: %v, want ErrOutdated", err)
			}
			if !s.Outdated() {
				t.Error("not outdated after a refused push")
			}
			if _, err := s.Pull(ctx, sv, "", 1000); !errors.Is(err, ErrOutdated) {
				t.Errorf("pull after the upgrade: %v, want ErrOutdated", err)
			}
			if err := s.CheckVersion(ctx); !errors.Is(err, ErrOutdated) {
				t.Errorf("CheckVersion after the upgrade: %v", err)
			}
			var n int
			if err := s.db.QueryRow(`SELECT count(*) FROM streets`).Scan(&n); err != nil || n != 1 {
				t.Errorf("%d streets stored (%v), want the one pushed before the upgrade", n, err)
			}
			if again, err := Open(ctx, dsn, Options{Now: time.Now}); !errors.Is(err, ErrOutdated) {
				if again != nil {
					again.Close()
				}
				t.Errorf("opening the upgraded database: %v, want ErrOutdated", err)
			}
		})
	}
}

// TestUpgradeFenceSQLite: one process serves a SQLite store; nothing is
// fenced.
func TestUpgradeFenceSQLite(t *testing.T) {
	s, _ := mustOpen(t)
	if err := s.CheckVersion(context.Background()); err != nil || s.Outdated() {
		t.Fatalf("%v, outdated %v", err, s.Outdated())
	}
}
