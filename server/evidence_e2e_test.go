package server_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"doorstep/sync/client"
	"doorstep/sync/evidence"
	"doorstep/sync/replica"
)

// keyedDevice is an end-to-end device enrolled with its evidence key, as
// the app enrolls.
func keyedDevice(tb testing.TB, srv *serverProc, name, user string) (*e2eDevice, evidence.Key) {
	tb.Helper()
	d := newE2EDeviceWith(tb, srv, name, user, func(c *client.Client, code string, d *e2eDevice) error {
		_, err := c.EnrollDevice(context.Background(), d.rep.DB(), code, name, d.rep.Site())
		return err
	})
	k, err := evidence.DeviceKey(context.Background(), d.rep.DB(), nil, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return d, k
}

// submitVisit writes a household with a member and an income and a
// submitted means-test visit of it, and signs the visit with key in the
// same transaction, as the app's submit does. It returns the household,
// income and visit ids.
func submitVisit(tb testing.TB, d *e2eDevice, key evidence.Key, community string) (house, income, visit string) {
	return submitVisitAs(tb, d, key, d.rep.Site(), community)
}

// submitVisitAs is submitVisit with the entry naming site as its device.
func submitVisitAs(tb testing.TB, d *e2eDevice, key evidence.Key, site, community string) (house, income, visit string) {
	tb.Helper()
	ctx := context.Background()
	house, member, income, visit := uid(), uid(), uid(), uid()
	now := time.Now().UTC()
	err := d.rep.Write(ctx, d.user, func(tx *sql.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO households (id, community_id, head_name, address, caseworker_id) VALUES (?, ?, '王建国', '幸福路12号', ?)`,
				[]any{house, community, d.user}},
			{`INSERT INTO members (id, household_id, community_id, name, relationship, counted) VALUES (?, ?, ?, '王建国', 'self', 1)`,
				[]any{member, house, community}},
			{`INSERT INTO incomes (id, household_id, member_id, community_id, kind, monthly_fen) VALUES (?, ?, ?, ?, 'pension', 120000)`,
				[]any{income, house, member, community}},
			{`INSERT INTO means_visits (id, household_id, community_id, purpose, method, started_at, state, submitted_at, author_id)
				VALUES (?, ?, ?, 'application', 'home', ?, 'submitted', ?, ?)`,
				[]any{visit, house, community, now.Add(-30 * time.Minute).Format(time.RFC3339), now.Format(time.RFC3339), d.user}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		s := evidence.Signer{Key: key, Site: site, User: d.user, NewID: uid}
		_, err := s.Append(ctx, tx, evidence.Submit{Table: "means_visits", ID: visit, OpenedAt: now.Add(-30 * time.Minute),
			Sections: []evidence.Section{{Name: "household", Seconds: 600}, {Name: "incomes", Seconds: 900}}})
		return err
	})
	if err != nil {
		tb.Fatalf("%s: submit visit: %v", d.name, err)
	}
	return house, income, visit
}

// verdictOf reads the verdict a device pulled for a record: its status and
// reasons; "" when the device has none.
func verdictOf(tb testing.TB, d *e2eDevice, table, id string) (string, []evidence.Reason) {
	tb.Helper()
	var status, reasons string
	err := d.rep.DB().QueryRow(`SELECT status, reasons FROM evidence_verdicts WHERE record_table = ? AND record_id = ? AND deleted = 0`,
		table, id).Scan(&status, &reasons)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		tb.Fatal(err)
	}
	var rs []evidence.Reason
	if err := json.Unmarshal([]byte(reasons), &rs); err != nil {
		tb.Fatalf("verdict reasons %q: %v", reasons, err)
	}
	return status, rs
}

func hasReason(rs []evidence.Reason, code evidence.Code, column string) bool {
	for _, r := range rs {
		if r.Code == code && (column == "" || r.Table+"."+r.Column == column) {
			return true
		}
	}
	return false
}

// TestEvidenceEndToEnd runs the real server: a device enrolled with its
// key submits a signed visit, which the server verifies once it is stored
// and whose verdict syncs to the office (and not to the worker); an edit made
// in the device database behind the app's back is pushed, stored, and
// flagged naming the field; an entry signed with another device's key is
// flagged; `devices list` shows the key's fingerprint and `evidence
// verify` prints the verdicts. With DOORSTEP_TEST_STORE=postgres the
// server runs on PostgreSQL.
func TestEvidenceEndToEnd(t *testing.T) {
	db := processDB(t, t.TempDir())
	srv := startServer(t, db, freeAddr(t))
	worker, office, c1 := uid(), uid(), uid()
	admin(t, db, "user", "add", "--id", worker, "--name", "社区 王芳", "--role", "worker", "--communities", c1)
	admin(t, db, "user", "add", "--id", office, "--name", "区民政局 刘", "--role", "supervisor")
	tablet, key := keyedDevice(t, srv, "tablet", worker)
	desk := newE2EDevice(t, srv, "desk", office)

	if out := admin(t, db, "devices", "list"); !strings.Contains(out, evidence.Fingerprint(key.Public())) {
		t.Errorf("devices list does not show the tablet's key fingerprint %s:\n%s", evidence.Fingerprint(key.Public()), out)
	}

	house, income, visit := submitVisit(t, tablet, key, c1)
	tablet.sync(t)
	srv.settle()
	desk.sync(t)
	if st, rs := verdictOf(t, desk, "means_visits", visit); st != "verified" {
		t.Fatalf("office verdict after submit: %q %+v, want verified", st, rs)
	}
	if st, _ := verdictOf(t, tablet, "means_visits", visit); st != "" {
		t.Errorf("the worker's device holds a verdict (%s); verdicts are the office's", st)
	}

	// Behind the app's back: the income is lowered in the device database
	// after the applicant signed. It syncs (nothing is lost) and is flagged.
	tablet.exec(t, `UPDATE incomes SET monthly_fen = 20000 WHERE id = ?`, income)
	tablet.sync(t)
	srv.settle()
	desk.sync(t)
	st, rs := verdictOf(t, desk, "means_visits", visit)
	if st != "flagged" || !hasReason(rs, evidence.CodeChanged, "incomes.monthly_fen") {
		t.Fatalf("office verdict after the edit: %q %+v, want flagged, changed_after_signing incomes.monthly_fen", st, rs)
	}
	var fen int64
	if err := desk.rep.DB().QueryRow(`SELECT monthly_fen FROM incomes WHERE id = ?`, income).Scan(&fen); err != nil || fen != 20000 {
		t.Errorf("the edited income on the desk: %d, %v; want 20000 (stored, flagged)", fen, err)
	}

	// An entry signed with another device's key is no evidence: another
	// database (another device) signs a visit in the tablet's name, and the
	// tablet pushes that entry.
	other, err := replica.Open(context.Background(), filepath.Join(t.TempDir(), "other.db"), replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.SetUser(context.Background(), worker); err != nil {
		t.Fatal(err)
	}
	otherDev := &e2eDevice{name: "other", user: worker, rep: other}
	otherKey, err := evidence.DeviceKey(context.Background(), other.DB(), nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, _, forged := submitVisitAs(t, otherDev, otherKey, tablet.rep.Site(), c1)
	copyRows(t, other.DB(), tablet, "evidence_entries", "record_id = ?", forged)
	tablet.sync(t)
	srv.settle()
	desk.sync(t)
	if st, rs := verdictOf(t, desk, "means_visits", forged); st != "flagged" || !hasReason(rs, evidence.CodeKeyUnknown, "") {
		t.Errorf("verdict of a visit signed with another key: %q %+v, want flagged key_unknown", st, rs)
	}

	out := admin(t, db, "evidence", "verify", "--household", house)
	if !strings.Contains(out, visit) || !strings.Contains(out, "monthly_fen") || strings.Contains(out, forged) {
		t.Errorf("evidence verify --household:\n%s", out)
	}
	out = admin(t, db, "evidence", "verify")
	if !strings.Contains(out, forged) || !strings.Contains(out, string(evidence.CodeKeyUnknown)) {
		t.Errorf("evidence verify:\n%s", out)
	}
}

// copyRows copies the rows of table matching where from one database into
// a device's, as ordinary (captured) writes of that device.
func copyRows(tb testing.TB, from *sql.DB, to *e2eDevice, table, where string, args ...any) {
	tb.Helper()
	rows, err := from.Query(`SELECT * FROM `+table+` WHERE `+where, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		to.exec(tb, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES (?`+strings.Repeat(", ?", len(cols)-1)+`)`, vals...)
		n++
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	if n == 0 {
		tb.Fatalf("no %s row to copy", table)
	}
}
