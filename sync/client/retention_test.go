package client

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"doorstep/sync/replica"
)

// retentionNow is the tests' clock.
var retentionNow = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// daysAgo is the date n days before retentionNow.
func daysAgo(n int) string { return retentionNow.AddDate(0, 0, -n).Format("2006-01-02") }

// retentionDevice is a device replica holding, all acknowledged by the
// server: household hOld cancelled 400 days ago (a member, an income, a
// submitted visit with a photo of its own and a photo it shares with
// hNew, its evidence entry and form timing), hNew cancelled 10 days ago
// (a visit with the shared photo), hActive still under 低保, hPending
// cancelled 400 days ago, hDraft cancelled 400 days ago, pairing pOld
// ended 400 days ago with a visit log and pNew ended 10 days ago. The
// attachment files are in dir/blobs.
func retentionDevice(t *testing.T) (*replica.Replica, string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	r, err := replica.Open(ctx, filepath.Join(dir, "device.db"), replica.Options{Now: func() time.Time { return retentionNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if err := r.SetUser(ctx, "w1"); err != nil {
		t.Fatal(err)
	}
	blobs := filepath.Join(dir, "blobs")
	if err := os.MkdirAll(blobs, 0o700); err != nil {
		t.Fatal(err)
	}
	hash := map[string]string{"own": strings.Repeat("a1", 32), "shared": strings.Repeat("b2", 32), "active": strings.Repeat("c3", 32)}
	for _, h := range hash {
		if err := os.WriteFile(filepath.Join(blobs, h), []byte(h), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	household := func(tx *sql.Tx, id, status, cancelled string) {
		mustExec(t, tx, `INSERT INTO households (id, community_id, head_name, status, cancelled_on) VALUES (?, 'c1', '户主', ?, ?)`,
			id, status, cancelled)
		mustExec(t, tx, `INSERT INTO members (id, household_id, community_id, name) VALUES (?, ?, 'c1', '成员')`, "m-"+id, id)
	}
	err = r.Write(ctx, "w1", func(tx *sql.Tx) error {
		household(tx, "hOld", "cancelled", daysAgo(400))
		mustExec(t, tx, `INSERT INTO incomes (id, household_id, member_id, community_id, kind, monthly_fen) VALUES ('i-hOld', 'hOld', 'm-hOld', 'c1', 'wage', 100)`)
		mustExec(t, tx, `INSERT INTO means_visits (id, household_id, community_id, state, photos) VALUES ('v-hOld', 'hOld', 'c1', 'submitted', ?)`,
			`["`+hash["own"]+`","`+hash["shared"]+`"]`)
		mustExec(t, tx, `INSERT INTO evidence_entries (id, record_table, record_id, household_id, community_id) VALUES ('e-hOld', 'means_visits', 'v-hOld', 'hOld', 'c1')`)
		household(tx, "hNew", "cancelled", daysAgo(10))
		mustExec(t, tx, `INSERT INTO means_visits (id, household_id, community_id, state, photos) VALUES ('v-hNew', 'hNew', 'c1', 'submitted', ?)`,
			`["`+hash["shared"]+`"]`)
		household(tx, "hActive", "active", "")
		mustExec(t, tx, `INSERT INTO means_visits (id, household_id, community_id, state, photos) VALUES ('v-hActive', 'hActive', 'c1', 'submitted', ?)`,
			`["`+hash["active"]+`"]`)
		household(tx, "hPending", "cancelled", daysAgo(400))
		household(tx, "hDraft", "cancelled", daysAgo(400))
		mustExec(t, tx, `INSERT INTO elders (id, community_id, name) VALUES ('el1', 'c1', '老人')`)
		mustExec(t, tx, `INSERT INTO volunteer_pairings (id, elder_id, community_id, ended_on) VALUES ('pOld', 'el1', 'c1', ?)`, daysAgo(400))
		mustExec(t, tx, `INSERT INTO volunteer_visits (id, pairing_id, elder_id, community_id, state) VALUES ('vv-pOld', 'pOld', 'el1', 'c1', 'submitted')`)
		mustExec(t, tx, `INSERT INTO volunteer_pairings (id, elder_id, community_id, ended_on) VALUES ('pNew', 'el1', 'c1', ?)`, daysAgo(10))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The server acknowledged all of it.
	for {
		set, err := r.Outbox(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if set.Batch == "" {
			break
		}
		if err := r.Ack(ctx, set.Batch); err != nil {
			t.Fatal(err)
		}
	}
	// Typed since, not synced yet: a member of hPending corrected; a draft
	// of a visit to hDraft.
	if err := r.Write(ctx, "w1", func(tx *sql.Tx) error {
		mustExec(t, tx, `UPDATE members SET name = '成员（更正）' WHERE id = 'm-hPending'`)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.DB().Exec(`INSERT INTO drafts (form, record_id, subject_id, title, data, updated_at)
		VALUES ('means_visit', 'v-draft', 'hDraft', '户主', '{}', ?)`, retentionNow.Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.DB().Exec(`INSERT INTO form_timing (record_table, record_id, section, ord, seconds, opened_at)
		VALUES ('means_visits', 'v-hOld', 'visit.members', 1, 300, '2025-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	// Attachment files no row names: one the server holds, written two
	// days ago (it goes); one it holds written just now, and one it does not
	// hold (both stay). The active household's photo, which the server
	// holds, is named by its visit (stays).
	long := retentionNow.Add(-48 * time.Hour)
	for _, f := range []struct {
		key    string
		at     time.Time
		server bool
	}{{"orphan", long, true}, {"fresh", retentionNow, true}, {"local", long, false}, {"active", long, true}} {
		if _, ok := hash[f.key]; !ok {
			hash[f.key] = strings.Repeat(fmt.Sprintf("%02x", len(hash)+0xd0), 32)
			if err := os.WriteFile(filepath.Join(blobs, hash[f.key]), []byte(f.key), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chtimes(filepath.Join(blobs, hash[f.key]), f.at, f.at); err != nil {
			t.Fatal(err)
		}
		if f.server {
			if _, err := r.DB().Exec(`INSERT INTO uploaded_blobs (hash, uploaded_at) VALUES (?, ?)`, hash[f.key], f.at.Format(time.RFC3339)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Forms opened and left empty: two days ago (its timing goes) and an
	// hour ago (stays); and the draft's own timing (stays).
	for _, ft := range []struct{ id, at string }{{"v-never", "2026-02-27T09:00:00Z"}, {"v-today", "2026-03-01T08:00:00Z"},
		{"v-draft", "2026-02-01T09:00:00Z"}} {
		if _, err := r.DB().Exec(`INSERT INTO form_timing (record_table, record_id, section, ord, seconds, opened_at)
			VALUES ('means_visits', ?, 'visit.household', 0, 0, ?)`, ft.id, ft.at); err != nil {
			t.Fatal(err)
		}
	}
	return r, blobs, hash
}

func mustExec(t *testing.T, tx *sql.Tx, q string, args ...any) {
	t.Helper()
	if _, err := tx.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func rowCount(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestRetainPurgesClosedCases: a household cancelled 400 days ago goes
// from the device with every row that belongs to it, its form timing and
// the attachment only it referenced; one cancelled 10 days ago stays, and
// so does the photo it shares; closed cases with a change not yet synced
// or a draft stay whole; an ended pairing past the retention goes with its
// visit logs.
func TestRetainPurgesClosedCases(t *testing.T) {
	r, blobs, hash := retentionDevice(t)
	db := r.DB()
	got, err := Retain(context.Background(), r, Retention{Days: 365, Now: func() time.Time { return retentionNow }, BlobDir: blobs})
	if err != nil {
		t.Fatal(err)
	}
	if got.Households != 1 || got.Pairings != 1 || got.Kept != 2 || got.Files != 2 || got.Rows != 7 {
		t.Errorf("retained %+v, want 1 household, 1 pairing, 2 kept, 2 files, 7 rows", got)
	}
	for _, q := range []string{
		`SELECT count(*) FROM households WHERE id = 'hOld'`,
		`SELECT count(*) FROM members WHERE household_id = 'hOld'`,
		`SELECT count(*) FROM incomes WHERE household_id = 'hOld'`,
		`SELECT count(*) FROM means_visits WHERE household_id = 'hOld'`,
		`SELECT count(*) FROM evidence_entries WHERE household_id = 'hOld'`,
		`SELECT count(*) FROM volunteer_pairings WHERE id = 'pOld'`,
		`SELECT count(*) FROM volunteer_visits WHERE pairing_id = 'pOld'`,
		`SELECT count(*) FROM form_timing WHERE record_id = 'v-hOld'`,
	} {
		if n := rowCount(t, db, q); n != 0 {
			t.Errorf("%s: %d left", q, n)
		}
	}
	for _, q := range []string{
		`SELECT count(*) FROM households WHERE id = 'hNew'`,
		`SELECT count(*) FROM means_visits WHERE household_id = 'hNew'`,
		`SELECT count(*) FROM households WHERE id = 'hActive'`,
		`SELECT count(*) FROM households WHERE id = 'hPending'`,
		`SELECT count(*) FROM members WHERE household_id = 'hPending' AND name = '成员（更正）'`,
		`SELECT count(*) FROM households WHERE id = 'hDraft'`,
		`SELECT count(*) FROM members WHERE household_id = 'hDraft'`,
		`SELECT count(*) FROM volunteer_pairings WHERE id = 'pNew'`,
		`SELECT count(*) FROM elders WHERE id = 'el1'`,
	} {
		if n := rowCount(t, db, q); n != 1 {
			t.Errorf("%s: %d, want 1", q, n)
		}
	}
	if n := rowCount(t, db, `SELECT count(*) FROM form_timing WHERE record_id IN ('v-today', 'v-draft')`); n != 2 {
		t.Errorf("%d of the timing of a recent form and of a draft left, want 2", n)
	}
	if n := rowCount(t, db, `SELECT count(*) FROM form_timing WHERE record_id = 'v-never'`); n != 0 {
		t.Error("the timing of a form left empty two days ago is still there")
	}
	if _, err := os.Stat(filepath.Join(blobs, hash["own"])); !os.IsNotExist(err) {
		t.Errorf("hOld's own photo is still on the device (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(blobs, hash["orphan"])); !os.IsNotExist(err) {
		t.Errorf("a photo nothing names, which the server holds, is still on the device (%v)", err)
	}
	for _, k := range []string{"shared", "active", "fresh", "local"} {
		if _, err := os.Stat(filepath.Join(blobs, hash[k])); err != nil {
			t.Errorf("the %s photo went: %v", k, err)
		}
	}
	// The change to hPending still goes to the server.
	set, err := r.Outbox(context.Background(), 0)
	if err != nil || set.Batch == "" || len(set.Changes) == 0 || set.Changes[0].ID != "m-hPending" {
		t.Fatalf("outbox after the purge: %+v, %v", set, err)
	}

	// Once pushed and with the draft gone, the next round takes both.
	if err := r.Ack(context.Background(), set.Batch); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM drafts`); err != nil {
		t.Fatal(err)
	}
	got, err = Retain(context.Background(), r, Retention{Now: func() time.Time { return retentionNow }, BlobDir: blobs})
	if err != nil || got.Households != 2 || got.Kept != 0 {
		t.Fatalf("second round: %+v, %v", got, err)
	}
}

func TestBlobRefs(t *testing.T) {
	a, b := strings.Repeat("ab", 32), strings.Repeat("0c", 32)
	got := blobRefs(`["` + a + `",` + b + ` ` + a + "f " + strings.ToUpper(b) + `]`)
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("refs %q", got)
	}
	if got := blobRefs(a + "," + b); len(got) != 2 {
		t.Errorf("refs one character apart: %q", got)
	}
}
