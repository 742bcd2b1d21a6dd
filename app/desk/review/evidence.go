package review

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"doorstep/app/desk"
	"doorstep/sync/evidence"
)

// Evidence is what the desk shows of a record's evidence (docs/EVIDENCE.md):
// the server's verdict and the timeline of the entry it rests on.
type Evidence struct {
	// Status is the verdict ("" when the server has not verified the
	// record yet, or its verdict has not synced).
	Status evidence.Status
	// Reasons say why, in the server's words (translated through their
	// codes' message keys).
	Reasons []evidence.Reason
	// Checked is when the server verified the record, after it synced.
	Checked time.Time
	// Opened and Submitted are when the form was opened (zero: unknown)
	// and submitted, on the device's clock; Sections the time spent in
	// each of its sections. All zero without an entry.
	Opened, Submitted time.Time
	Sections          []evidence.Section
	// Fingerprint is the signing key's fingerprint; Device its site.
	Fingerprint, Device string
	// Short says why a means-test visit is unusually short (a desk.Short…
	// reason, desk.ShortVisits); "" when it is not.
	Short string
}

// Flagged reports whether the server flagged the record.
func (e Evidence) Flagged() bool { return e.Status == evidence.Flagged }

// LoadEvidence reads the evidence of record id of kind k: its verdict and
// the entry the verdict rests on (else the record's latest entry).
func LoadEvidence(ctx context.Context, o *desk.Office, k Kind, id string) (Evidence, error) {
	var ev Evidence
	var status, reasons, checked, entry sql.NullString
	err := o.DB.QueryRowContext(ctx, `SELECT status, reasons, checked_at, entry_id FROM evidence_verdicts
		WHERE record_table = ? AND record_id = ? AND deleted = 0`, k.Table(), id).Scan(&status, &reasons, &checked, &entry)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return ev, fmt.Errorf("evidence of %s %s: %w", k, id, err)
	default:
		ev.Status = evidence.Status(status.String)
		if reasons.String != "" {
			if err := json.Unmarshal([]byte(reasons.String), &ev.Reasons); err != nil {
				return ev, fmt.Errorf("evidence of %s %s: reasons: %w", k, id, err)
			}
		}
		ev.Checked, _ = time.Parse(time.RFC3339Nano, checked.String)
	}
	where, args := "record_table = ? AND record_id = ?", []any{k.Table(), id}
	if entry.String != "" {
		where, args = "id = ?", []any{entry.String}
	}
	entries, err := evidence.ReadEntries(ctx, o.DB, where, args...)
	if err != nil {
		return ev, fmt.Errorf("evidence of %s %s: %w", k, id, err)
	}
	var latest *evidence.Stored
	for i := range entries {
		if latest == nil || entries[i].Entry.HLC > latest.Entry.HLC {
			latest = &entries[i]
		}
	}
	if latest != nil {
		e := latest.Entry
		ev.Opened, ev.Submitted, ev.Sections = e.OpenedAt, e.SubmittedAt, e.Sections
		ev.Device = e.Site
		if len(e.PublicKey) > 0 {
			ev.Fingerprint = evidence.Fingerprint(e.PublicKey)
		}
	}
	if k == MeansVisit {
		short, err := desk.ShortVisits(ctx, o, desk.Area{})
		if err != nil {
			return ev, fmt.Errorf("evidence of %s %s: %w", k, id, err)
		}
		ev.Short = short[id]
	}
	return ev, nil
}

// FlaggedRecords returns the records whose evidence the server flagged, as
// "table/id".
func FlaggedRecords(ctx context.Context, o *desk.Office) (map[string]bool, error) {
	rows, err := o.DB.QueryContext(ctx, `SELECT record_table, record_id FROM evidence_verdicts
		WHERE status = ? AND deleted = 0`, string(evidence.Flagged))
	if err != nil {
		return nil, fmt.Errorf("flagged records: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var table, id string
		if err := rows.Scan(&table, &id); err != nil {
			return nil, fmt.Errorf("flagged records: %w", err)
		}
		out[table+"/"+id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("flagged records: %w", err)
	}
	return out, nil
}
