package server_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"doorstep/server/internal/pgtest"
	"doorstep/sync/change"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
)

// TestDatabaseOutage: two server processes on one PostgreSQL database that
// goes away under them (every connection ended, new ones refused, as in a
// restart or a failover) and comes back. Meanwhile requests fail with
// internal (the device keeps what it wrote) and /readyz says the process
// is not ready; afterwards both processes serve again without being
// restarted, and the write made during the outage reaches the other device.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	ctx := context.Background()
	dsn := pgtest.FreshDatabase(t)
	procs := startServers(t, 2, dsn, t.TempDir())
	sv := uid()
	admin(t, dsn, "user", "add", "--id", sv, "--name", "区民政局 刘", "--role", "supervisor")
	a := newE2EDevice(t, procs[0], "a", sv)
	b := newE2EDevice(t, procs[1], "b", sv)
	first := uid()
	a.exec(t, `INSERT INTO streets(id, name) VALUES (?, '焦西街道')`, first)
	a.sync(t)
	b.sync(t)

	restore := pgtest.Outage(t, dsn)
	during := uid()
	a.exec(t, `INSERT INTO streets(id, name) VALUES (?, '民主街道')`, during)
	_, err := a.client.Sync(ctx, a.rep, client.SyncOptions{})
	if code := api.ErrorCode(err); code != api.CodeInternal {
		t.Fatalf("sync during the outage: %v (code %q), want internal", err, code)
	}
	out, err := a.rep.Outbox(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(out.Changes, func(c change.Change) bool { return c.ID == during }) {
		t.Fatalf("the device's write during the outage is not waiting in its outbox: %+v", out.Changes)
	}
	for _, p := range procs {
		if st, code, _, _ := getRaw(t, p.url()+api.PathReady); st != http.StatusInternalServerError || code != api.CodeInternal {
			t.Errorf("/readyz during the outage: %d %q, want 500 internal", st, code)
		}
	}

	restore()
	// The pools hold connections the database ended: the first requests
	// may meet them. Within a few seconds every process serves again.
	for _, p := range procs {
		deadline := time.Now().Add(10 * time.Second)
		for {
			st, _, _, _ := getRaw(t, p.url()+api.PathReady)
			if st == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("/readyz %d 10 s after the database came back\n%s", st, p.logs())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if st := a.sync(t); st.Pushed == 0 {
		t.Fatalf("after the outage the device pushed nothing: %+v", st)
	}
	b.sync(t)
	var n int
	if err := b.rep.DB().QueryRow(`SELECT count(*) FROM streets WHERE id IN (?, ?)`, first, during).Scan(&n); err != nil || n != 2 {
		t.Errorf("the other device holds %d of the 2 streets (%v)", n, err)
	}
	for _, p := range procs {
		select {
		case <-p.exited:
			t.Errorf("a server process exited during the outage:\n%s", p.logs())
		default:
		}
	}
}
