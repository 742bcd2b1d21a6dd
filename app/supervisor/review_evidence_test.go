package supervisor

import (
	"context"
	"testing"
	"time"

	"doorstep/sync/evidence"
)

// TestDeskReviewShowsEvidence: the review of a record the server flagged
// says so and why, in the reasons' translated words; the review of a
// verified record says verified, with the timeline of its signed submit.
func TestDeskReviewShowsEvidence(t *testing.T) {
	x := newDeskApp(t)
	db := x.Env.Store.DB()
	ctx := context.Background()
	// v3 is signed as its submit would sign it (the device's key and chain).
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	err = x.Env.Store.SignSubmit("w1")(ctx, tx, evidence.Submit{Table: "means_visits", ID: "v3", OpenedAt: opened,
		Sections: []evidence.Section{{Name: "households", Seconds: 600}, {Name: "incomes", Seconds: 300}}})
	if err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		id, status, reasons string
	}{
		{"v2", "flagged", `[{"code":"changed_after_signing","table":"incomes","row":"i1","column":"monthly_fen","signed":"120000","current":"20000"}]`},
		{"v3", "verified", `[]`},
	} {
		if _, err := db.Exec(`INSERT INTO evidence_verdicts (id, record_table, record_id, community_id, status, reasons, checked_at, deleted)
			VALUES (?, 'means_visits', ?, 'c1', ?, ?, '2025-06-03T10:00:00.000000Z', 0)`, "vd-"+q.id, q.id, q.status, q.reasons); err != nil {
			t.Fatal(err)
		}
	}
	s := openDesk(t, x, "nav.review").(*reviewScreen)
	tapReviewItem(t, s, "v2")
	changed := trData("evidence.reason.changed_after_signing", map[string]any{"table": "incomes", "column": "monthly_fen",
		"signed": "120000", "current": "20000", "row": "i1", "code": "changed_after_signing", "entry": "", "hash": "", "by": "", "detail": ""})
	if !onScreen(x, tr("evidence.status.flagged")) || !onScreen(x, "• "+changed) {
		t.Fatalf("flagged record: no %q in %q", changed, texts(x))
	}
	openDesk(t, x, "nav.review")
	tapReviewItem(t, s, "v3")
	if !onScreen(x, tr("evidence.status.verified")) || onScreen(x, tr("evidence.status.flagged")) {
		t.Fatalf("verified record: %q", texts(x))
	}
	if want := trData("desk.evidence.section_time", map[string]any{"Section": tr("desk.section.incomes"), "Minutes": "5.0"}); !onScreen(x, want) {
		t.Errorf("timeline: no %q in %q", want, texts(x))
	}
	if !onScreen(x, opened.Local().Format("2006-01-02 15:04")) {
		t.Errorf("timeline: the opening time is not shown: %q", texts(x))
	}
}

// TestDeskReviewFlaggedFilter: the queue's "flagged only" box keeps the
// records the server flagged.
func TestDeskReviewFlaggedFilter(t *testing.T) {
	x := newDeskApp(t)
	if _, err := x.Env.Store.DB().Exec(`INSERT INTO evidence_verdicts (id, record_table, record_id, community_id, status, reasons, deleted)
		VALUES ('vd-v3', 'means_visits', 'v3', 'c1', 'flagged', '[{"code":"no_evidence"}]', 0)`); err != nil {
		t.Fatal(err)
	}
	s := openDesk(t, x, "nav.review").(*reviewScreen)
	if len(s.items) != 2 {
		t.Fatalf("queue before the filter: %d items", len(s.items))
	}
	if !onScreen(x, tr("desk.state.pending")+" · "+tr("evidence.status.flagged")) {
		t.Errorf("the flagged record is not marked in the queue: %q", texts(x))
	}
	s.flagged.SetChecked(true)
	if len(s.items) != 1 || s.items[0].ID != "v3" {
		t.Fatalf("flagged only: %+v", s.items)
	}
	s.flagged.SetChecked(false)
	if len(s.items) != 2 {
		t.Errorf("queue after clearing the filter: %d items", len(s.items))
	}
}

// TestDeskReviewShortFilter: the queue marks a visit the desk finds
// unusually short (its form was open five minutes) and its "short only"
// box keeps it alone; the visit's page says why it is short.
func TestDeskReviewShortFilter(t *testing.T) {
	x := newDeskApp(t)
	if _, err := x.Env.Store.DB().Exec(`INSERT INTO evidence_entries (id, record_table, record_id, community_id, opened_at, submitted_at, deleted)
		VALUES ('en-v3', 'means_visits', 'v3', 'c1', '2025-06-03T09:00:00.000Z', '2025-06-03T09:05:00.000Z', 0)`); err != nil {
		t.Fatal(err)
	}
	s := openDesk(t, x, "nav.review").(*reviewScreen)
	if len(s.items) != 2 {
		t.Fatalf("queue before the filter: %d items", len(s.items))
	}
	if !onScreen(x, tr("desk.state.pending")+" · "+tr("desk.short.open")) {
		t.Errorf("the short visit is not marked in the queue: %q", texts(x))
	}
	s.short.SetChecked(true)
	if len(s.items) != 1 || s.items[0].ID != "v3" {
		t.Fatalf("short only: %+v", s.items)
	}
	tapReviewItem(t, s, "v3")
	if !onScreen(x, "• "+tr("desk.short.open")) {
		t.Errorf("the visit's page does not say it is short: %q", texts(x))
	}
}
