package server_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"doorstep/server/store"
	"doorstep/sync/client"
	"doorstep/sync/evidence"
)

// TestAssessmentEvidenceEndToEnd runs the real server: a supervisor's
// tablet, enrolled with its key, submits an institution assessment signed
// as the app signs it (the row and its evidence entry in one transaction);
// the server verifies it once it is stored and the verdict comes back to
// the office. The total then raised in the device database behind the app's
// back is pushed, stored, and flagged as changed after signing, naming the
// field; `evidence verify` prints it.
func TestAssessmentEvidenceEndToEnd(t *testing.T) {
	db := processDB(t, t.TempDir())
	srv := startServer(t, db, freeAddr(t))
	sup, c1 := uid(), uid()
	admin(t, db, "user", "add", "--id", sup, "--name", "街道 周主任", "--role", "supervisor")
	tablet, key := keyedDevice(t, srv, "tablet", sup)

	ctx := context.Background()
	id, inst := uid(), uid()
	now := time.Now().UTC()
	err := tablet.rep.Write(ctx, sup, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO institution_assessments (id, institution_id, community_id, half,
			assessed_on, assessors, scores, total, band, award_fen, note, author_id)
			VALUES (?, ?, ?, '2025H1', '2025-07-15', '["周主任","王一"]', '{"licences":10,"safety":20}', 92,
				'excellent', 600000, '', ?)`, id, inst, c1, sup); err != nil {
			return err
		}
		s := evidence.Signer{Key: key, Site: tablet.rep.Site(), User: sup, NewID: uid}
		_, err := s.Append(ctx, tx, evidence.Submit{Table: "institution_assessments", ID: id, OpenedAt: now.Add(-50 * time.Minute)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tablet.sync(t)
	srv.settle()
	tablet.sync(t) // the verdict written once the push was stored comes back
	if st, rs := verdictOf(t, tablet, "institution_assessments", id); st != "verified" {
		t.Fatalf("verdict after submit: %q %+v, want verified", st, rs)
	}

	// An assessment is an event: the server refuses an edit pushed from a
	// device (append_only) and the device keeps it, unpushed.
	tablet.exec(t, `UPDATE institution_assessments SET total = 99 WHERE id = ?`, id)
	if _, err := tablet.client.Sync(ctx, tablet.rep, client.SyncOptions{}); err == nil || !strings.Contains(err.Error(), "append_only") {
		t.Fatalf("an edited assessment pushed: %v, want append_only", err)
	}
	// Edited in the server's database behind its back: the audit flags
	// it as changed after signing, naming the field, and the stored
	// verdict reaches the office.
	editServerDB(t, db, `UPDATE institution_assessments SET total = 99 WHERE id = ?`, id)
	out := admin(t, db, "evidence", "verify", "--store")
	if !strings.Contains(out, id) || !strings.Contains(out, string(evidence.CodeChanged)) || !strings.Contains(out, "total") {
		t.Errorf("evidence verify does not flag the edited assessment:\n%s", out)
	}
	office := newE2EDevice(t, srv, "desk", sup)
	office.sync(t)
	st, rs := verdictOf(t, office, "institution_assessments", id)
	if st != "flagged" || !hasReason(rs, evidence.CodeChanged, "institution_assessments.total") {
		t.Fatalf("verdict after the edit: %q %+v, want flagged, changed_after_signing institution_assessments.total", st, rs)
	}
}

// editServerDB runs one statement on the server's database, behind the
// server's back (what an insider with database access could do).
func editServerDB(tb testing.TB, db, q string, args ...any) {
	tb.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	h := st.DB()
	if _, err := h.Exec(q, args...); err != nil {
		tb.Fatalf("server database: %s: %v", q, err)
	}
}
