package server_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"doorstep/sync/client"
)

// TestRetentionEndToEnd runs the real server: a worker's tablet holds a
// household cancelled 400 days ago, one cancelled 10 days ago and one
// cancelled 400 days ago with a change the server refused (held on the
// device, never pushed). After a round with the district's retention (365
// days) the first is gone from the tablet — rows and its photo file — the
// other two are still there (the held change too), and the server still
// holds all three, none of them deleted: the purge is the device's alone.
func TestRetentionEndToEnd(t *testing.T) {
	db := processDB(t, t.TempDir())
	srv := startServer(t, db, freeAddr(t))
	worker, c1 := uid(), uid()
	admin(t, db, "user", "add", "--id", worker, "--name", "社区 王芳", "--role", "worker", "--communities", c1)
	tablet := newE2EDevice(t, srv, "tablet", worker)
	ctx := context.Background()
	blobs := filepath.Join(t.TempDir(), "blobs")
	if err := os.MkdirAll(blobs, 0o700); err != nil {
		t.Fatal(err)
	}
	day := func(n int) string { return time.Now().AddDate(0, 0, -n).Format("2006-01-02") }
	photo := map[string]string{"old": strings.Repeat("0d", 32), "new": strings.Repeat("1e", 32)}
	for _, h := range photo {
		if err := os.WriteFile(filepath.Join(blobs, h), []byte("photo"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old, recent, held := uid(), uid(), uid()
	err := tablet.rep.Write(ctx, worker, func(tx *sql.Tx) error {
		for _, h := range []struct{ id, cancelled, photo string }{{old, day(400), photo["old"]}, {recent, day(10), photo["new"]}, {held, day(400), ""}} {
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO households (id, community_id, head_name, status, approved_on, cancelled_on, cancel_reason)
					VALUES (?, ?, '户主', 'cancelled', '2023-01-05', ?, 'income_rose')`, []any{h.id, c1, h.cancelled}},
				{`INSERT INTO members (id, household_id, community_id, name, relationship, counted) VALUES (?, ?, ?, '户主', 'self', 1)`,
					[]any{uid(), h.id, c1}},
				{`INSERT INTO means_visits (id, household_id, community_id, state, photos, author_id) VALUES (?, ?, ?, 'submitted', ?, ?)`,
					[]any{uid(), h.id, c1, `["` + h.photo + `"]`, worker}},
			} {
				if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tablet.sync(t)

	// A change to the third household the server refuses (a community not
	// the worker's): held on the tablet, so its household must stay.
	income := uid()
	tablet.exec(t, `INSERT INTO incomes (id, household_id, community_id, kind, monthly_fen) VALUES (?, ?, 'elsewhere', 'wage', 100)`, income, held)
	st, err := tablet.client.Sync(ctx, tablet.rep, client.SyncOptions{Retention: &client.Retention{Days: 365, BlobDir: blobs}})
	if err == nil || !strings.Contains(err.Error(), "forbidden_scope") {
		t.Fatalf("round with a refused change: %v", err)
	}
	if st.Retained.Households != 1 || st.Retained.Kept != 1 || st.Retained.Files != 1 {
		t.Errorf("retained %+v, want 1 household purged, 1 kept, 1 file", st.Retained)
	}

	count := func(d *sql.DB, q string, args ...any) int {
		t.Helper()
		var n int
		if err := d.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	dev := tablet.rep.DB()
	for _, tbl := range []string{"members", "means_visits"} {
		if n := count(dev, `SELECT count(*) FROM `+tbl+` WHERE household_id = ?`, old); n != 0 {
			t.Errorf("%d %s of the household cancelled 400 days ago left on the tablet", n, tbl)
		}
	}
	if n := count(dev, `SELECT count(*) FROM households WHERE id = ?`, old); n != 0 {
		t.Error("the household cancelled 400 days ago is still on the tablet")
	}
	if _, err := os.Stat(filepath.Join(blobs, photo["old"])); !os.IsNotExist(err) {
		t.Errorf("its photo is still on the tablet (%v)", err)
	}
	if n := count(dev, `SELECT count(*) FROM households WHERE id IN (?, ?)`, recent, held); n != 2 {
		t.Errorf("%d of the recent and the held household left, want 2", n)
	}
	if _, err := os.Stat(filepath.Join(blobs, photo["new"])); err != nil {
		t.Errorf("the recent household's photo: %v", err)
	}
	if n := count(dev, `SELECT count(*) FROM incomes WHERE id = ?`, income); n != 1 {
		t.Error("the held change went")
	}

	// The server keeps everything, and the next round neither brings the
	// purged household back nor tells the server anything of it.
	tablet.sync(t)
	if n := count(dev, `SELECT count(*) FROM households WHERE id = ?`, old); n != 0 {
		t.Error("the purged household came back")
	}
	sdb := inspectDB(t, db)
	if n := count(sdb, `SELECT count(*) FROM households WHERE id IN (?, ?, ?) AND deleted = 0`, old, recent, held); n != 3 {
		t.Errorf("the server holds %d of the three households, want 3", n)
	}
}
