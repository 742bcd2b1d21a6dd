package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"doorstep/app"
	"doorstep/sync/evidence"
)

// evidenceShots are the supervisor's reviews of a verified and a flagged
// means-test visit (issue 14). The demo district holds no evidence, so each
// shot signs a submitted visit on the device, as its submit would have,
// and stores the verdict the server would have sent.
func evidenceShots() []shot {
	return []shot{
		{"review-verified", func(x *app.App) error {
			return reviewWithVerdict(x, 0, evidence.Verified, `[]`)
		}},
		{"review-flagged", func(x *app.App) error {
			return reviewWithVerdict(x, 1, evidence.Flagged, `[`+
				`{"code":"changed_after_signing","table":"incomes","row":"i","column":"monthly_fen","signed":"120000","current":"20000"},`+
				`{"code":"chain_gap","entry":"e"}]`)
		}},
	}
}

// reviewWithVerdict signs the nth newest submitted visit, stores a verdict
// with reasons for it and opens its review (only opens it when that was
// done before).
func reviewWithVerdict(x *app.App, nth int, status evidence.Status, reasons string) error {
	ctx := context.Background()
	id, err := pick(x, `SELECT id FROM means_visits WHERE state = 'submitted' AND deleted = 0
		ORDER BY submitted_at DESC, id LIMIT 1 OFFSET ?`, nth)
	if err != nil {
		return err
	}
	db := x.Store().DB()
	// Staged once: the dark theme's pass shows the same review again.
	var staged int
	if err := db.QueryRow(`SELECT count(*) FROM evidence_verdicts WHERE id = ?`,
		evidence.VerdictID(evidence.RecordRef{Table: "means_visits", ID: id})).Scan(&staged); err != nil {
		return fmt.Errorf("verdict of %s: %w", id, err)
	}
	if staged > 0 {
		return x.OpenReview("means_visits", id)
	}
	var author, community, submitted string
	if err := db.QueryRow(`SELECT coalesce(author_id, ''), community_id, coalesce(submitted_at, '') FROM means_visits WHERE id = ?`, id).
		Scan(&author, &community, &submitted); err != nil {
		return fmt.Errorf("visit %s: %w", id, err)
	}
	sub, _ := time.Parse(time.RFC3339, submitted)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	// Signed when the visit was submitted, by the device's key and chain.
	at := func() time.Time { return sub }
	err = signAt(ctx, tx, author, at, evidence.Submit{Table: "means_visits", ID: id,
		OpenedAt: sub.Add(-38 * time.Minute),
		Sections: []evidence.Section{{Name: "households", Seconds: 420}, {Name: "members", Seconds: 780},
			{Name: "incomes", Seconds: 660}, {Name: "assets", Seconds: 300}}})
	if err != nil {
		tx.Rollback() //nolint:errcheck // the error that matters is err
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := db.Exec(`INSERT INTO evidence_verdicts (id, record_table, record_id, community_id, status, reasons, checked_at, deleted)
		VALUES (?, 'means_visits', ?, ?, ?, ?, ?, 0)`, evidence.VerdictID(evidence.RecordRef{Table: "means_visits", ID: id}), id, community,
		string(status), reasons, sub.Add(2*time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z")); err != nil {
		return fmt.Errorf("verdict of %s: %w", id, err)
	}
	return x.OpenReview("means_visits", id)
}

// signAt appends the evidence entry of sub in tx as the device would have
// at the time now gives (records.Store.SignSubmit signs at the app's clock).
func signAt(ctx context.Context, tx *sql.Tx, user string, now func() time.Time, sub evidence.Submit) error {
	var site string
	if err := tx.QueryRowContext(ctx, `SELECT site FROM sync_state WHERE id = 1`).Scan(&site); err != nil {
		return fmt.Errorf("device site: %w", err)
	}
	key, err := evidence.DeviceKey(ctx, tx, nil, now())
	if err != nil {
		return err
	}
	_, err = evidence.Signer{Key: key, Site: site, User: user, Now: now, NewID: func() string {
		return uuid.Must(uuid.NewV7()).String()
	}}.Append(ctx, tx, sub)
	return err
}
