package server

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"doorstep/schema"
	"doorstep/server/store"
)

// TestRestoredBackup: after the server is restored from an older backup,
// a device whose cursor points past the backup fetches everything again
// instead of silently missing the changes made after the restore.
func TestRestoredBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "server.db")
	clock := &testClock{t: testStart()}
	open := func() (*store.Store, *httptest.Server) {
		st, err := store.Open(ctx, path, store.Options{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.StartEpoch(ctx); err != nil {
			t.Fatal(err)
		}
		srv := New(st, Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Now)
		return st, httptest.NewServer(srv.Handler())
	}
	st, ts := open()
	e := &env{store: st, ts: ts, clock: clock}
	writer := e.user(t, workerC1)
	reader := e.user(t, store.User{Name: "李娜", Role: schema.RoleWorker, Communities: []string{"c1"}})
	dw, dr := e.newDevice(t, writer.ID), e.newDevice(t, reader.ID)
	first := newID()
	dw.exec(t, `INSERT INTO households(id, community_id) VALUES (?, 'c1')`, first)
	dw.sync(t)
	dr.sync(t)

	// Back up, then more changes that the reader receives.
	if _, err := st.DB().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	copyFile(t, path, backup)
	for i := 0; i < 3; i++ {
		dw.exec(t, `INSERT INTO households(id, community_id) VALUES (?, 'c1')`, newID())
	}
	dw.sync(t)
	dr.sync(t)
	ts.Close()
	st.Close()

	// Restore. The writer's three rows are gone from the server, and new
	// changes now reuse the sequence numbers the reader has seen.
	copyFile(t, backup, path)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	st, ts = open()
	defer func() { ts.Close(); st.Close() }()
	dw.client.BaseURL, dr.client.BaseURL = ts.URL, ts.URL
	// One new row: it takes a sequence number the reader's cursor has
	// already passed (the cursor counted the three rows the restore lost).
	late := newID()
	dw.exec(t, `INSERT INTO households(id, community_id, head_name) VALUES (?, 'c1', '恢复后')`, late)
	dw.sync(t)
	st2 := dr.sync(t)
	if st2.ResetCursors != 1 {
		t.Errorf("reader's pull after the restore: %d resets, want 1", st2.ResetCursors)
	}
	if !dr.has(t, "households", late) {
		t.Error("reader missed a change made after the restore")
	}
}

// TestScopeChangeRefetch: a worker given another community receives its
// existing rows on the next pull.
func TestScopeChangeRefetch(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	sup := e.user(t, districtSupervisor)
	w := e.user(t, workerC1)
	ds, dw := e.newDevice(t, sup.ID), e.newDevice(t, w.ID)
	old := newID()
	ds.exec(t, `INSERT INTO households(id, community_id, head_name) VALUES (?, 'c2', '老户')`, old)
	ds.sync(t)
	dw.sync(t)
	if dw.has(t, "households", old) {
		t.Fatal("worker of c1 received a c2 household")
	}
	if _, err := e.store.SetScope(ctx, w.ID, "", []string{"c1", "c2"}, nil); err != nil {
		t.Fatal(err)
	}
	st := dw.sync(t)
	if st.ResetCursors != 1 || !dw.has(t, "households", old) {
		t.Errorf("after the new community: %+v, has row %v", st, dw.has(t, "households", old))
	}
}

// TestRowEntersScope: a row moved into a worker's community arrives whole,
// not just the columns changed since the worker's cursor.
func TestRowEntersScope(t *testing.T) {
	e := newEnv(t, Config{})
	sup := e.user(t, districtSupervisor)
	w := e.user(t, workerC1)
	ds, dw := e.newDevice(t, sup.ID), e.newDevice(t, w.ID)
	h := newID()
	ds.exec(t, `INSERT INTO households(id, community_id, head_name, address) VALUES (?, 'c9', '迁入户', '解放路 9 号')`, h)
	ds.sync(t)
	dw.sync(t)
	e.clock.Advance(1000)
	ds.exec(t, `UPDATE households SET community_id = 'c1' WHERE id = ?`, h)
	ds.sync(t)
	dw.sync(t)
	var head, addr string
	if err := dw.rep.DB().QueryRow(`SELECT head_name, address FROM households WHERE id = ?`, h).Scan(&head, &addr); err != nil || head != "迁入户" || addr != "解放路 9 号" {
		t.Errorf("moved household on the worker's device: %q %q %v", head, addr, err)
	}
}
