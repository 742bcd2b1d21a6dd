package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"doorstep/server"
	"doorstep/server/internal/pgtest"
	"doorstep/server/store"
	"doorstep/sync/client"
	"doorstep/sync/replica"
)

// cli runs the command line and fails the test on error.
func cli(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("doorstep-server %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// TestBackupCommand: "backup" writes a copy that the admin commands open
// with the same users, and refuses to overwrite a file.
func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	db, copyDB := filepath.Join(dir, "district.db"), filepath.Join(dir, "copy.db")
	cli(t, "user", "add", "--db", db, "--name", "王芳", "--role", "worker", "--communities", "c1")
	if out := cli(t, "backup", "--db", db, "--to", copyDB); !strings.Contains(out, "copy the blob directory") {
		t.Errorf("backup said %q", out)
	}
	if out := cli(t, "user", "list", "--db", copyDB); !strings.Contains(out, "王芳") {
		t.Errorf("the copy's users: %q", out)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"backup", "--db", db, "--to", copyDB}, &out, &errOut); err == nil {
		t.Error("backup over an existing file succeeded")
	}
	var ue usageError
	if err := run(context.Background(), []string{"backup", "--db", db}, &out, &errOut); !errors.As(err, &ue) {
		t.Errorf("backup without --to: %v", err)
	}
}

// TestMoveDistrict: a device syncs against a SQLite server; the district
// moves to PostgreSQL with "migrate"; the same device, pointed at a server
// on PostgreSQL, goes on from its cursor (no reset, only the new changes
// pulled) with its token, and what another device writes there reaches it.
func TestMoveDistrict(t *testing.T) {
	dsn := pgtest.FreshDatabase(t)
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "district.db")
	cli(t, "user", "add", "--db", db, "--id", "01939d5e-0000-7000-8000-000000000001", "--name", "王芳", "--role", "worker", "--communities", "c1")
	cli(t, "user", "add", "--db", db, "--id", "01939d5e-0000-7000-8000-000000000002", "--name", "李娜", "--role", "worker", "--communities", "c1")
	serveOn := func(dbName string) (*store.Store, *httptest.Server) {
		st, err := store.Open(ctx, dbName, store.Options{Now: time.Now, BlobDir: db + "-blobs"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.StartEpoch(ctx); err != nil {
			t.Fatal(err)
		}
		srv := server.New(st, server.Config{Rate: -1, EnrollRate: -1}, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
		return st, httptest.NewServer(srv.Handler())
	}
	device := func(st *store.Store, ts *httptest.Server, user, name string) (*replica.Replica, *client.Client) {
		rep, err := replica.Open(ctx, filepath.Join(dir, name+".db"), replica.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rep.Close() })
		code, _, err := st.CreateEnrollCode(ctx, user, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		c := client.New(ts.URL, "")
		if _, err := c.EnrollReplica(ctx, rep, code, name); err != nil {
			t.Fatal(err)
		}
		return rep, c
	}
	count := func(rep *replica.Replica) int {
		var n int
		if err := rep.DB().QueryRow(`SELECT count(*) FROM households`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	old, ots := serveOn(db)
	rep, c := device(old, ots, "01939d5e-0000-7000-8000-000000000001", "tablet")
	for i := 0; i < 20; i++ {
		if _, err := rep.DB().Exec(`INSERT INTO households(id, community_id, head_name) VALUES (?, 'c1', ?)`,
			fmt.Sprintf("01939d5e-0000-7000-8000-1000000000%02d", i), fmt.Sprint("户", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Sync(ctx, rep, client.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	ots.Close()
	old.Close()

	out := cli(t, "migrate", "--from", db, "--to", dsn)
	if !strings.Contains(out, "copied") || !strings.Contains(out, "blob files stay") {
		t.Errorf("migrate said %q", out)
	}
	cli(t, "migrate", "--from", db, "--to", dsn) // safe to rerun

	pg, pts := serveOn(dsn)
	defer pg.Close()
	defer pts.Close()
	c.BaseURL = pts.URL
	st, err := c.Sync(ctx, rep, client.SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.ResetCursors != 0 || st.Pulled != 0 {
		t.Errorf("first sync on the new server: %+v; want no reset and nothing pulled", st)
	}
	rep2, c2 := device(pg, pts, "01939d5e-0000-7000-8000-000000000002", "tablet2")
	if n := count(rep2); n != 0 {
		t.Fatalf("fresh device holds %d households", n)
	}
	if _, err := c2.Sync(ctx, rep2, client.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := count(rep2); n != 20 {
		t.Errorf("a device enrolled on the new server holds %d households, want 20", n)
	}
	if _, err := rep2.DB().Exec(`UPDATE households SET head_name = '新户主' WHERE id = '01939d5e-0000-7000-8000-100000000000'`); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Sync(ctx, rep2, client.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err = c.Sync(ctx, rep, client.SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var head string
	if err := rep.DB().QueryRow(`SELECT head_name FROM households WHERE id = '01939d5e-0000-7000-8000-100000000000'`).Scan(&head); err != nil {
		t.Fatal(err)
	}
	if head != "新户主" || st.ResetCursors != 0 || st.Pulled != 1 {
		t.Errorf("after an edit on the new server: head %q, %+v; want the edit alone", head, st)
	}
}
