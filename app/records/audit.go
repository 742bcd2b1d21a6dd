package records

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Personal ID numbers are shown masked; revealing one is an audit event,
// a synced append-only row (audit_events) that the office reads after
// sync.

// AuditRevealID is the audit_events.action of revealing a masked ID
// number.
const AuditRevealID = "reveal_id_number"

// MaskID shows the first six and the last four characters of an ID number
// (the region and the end of the number) and stars the birth date and
// sequence between: 410802********7015. Shorter values are starred whole.
func MaskID(id string) string {
	r := []rune(strings.TrimSpace(id))
	if len(r) <= 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// Reveal names what was revealed: a row of a table and the household it
// belongs to.
type Reveal struct {
	// Table and RowID are the row holding the ID number (e.g. members).
	Table, RowID string
	// HouseholdID and CommunityID place the event in scope.
	HouseholdID, CommunityID string
}

// RecordReveal writes the audit event of me revealing r's ID number at
// at. It is written through the device's ordinary (captured) write path,
// so it syncs to the server like any row.
func (s *Store) RecordReveal(ctx context.Context, me Identity, r Reveal, at time.Time) error {
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("record reveal of %s %s: %w", r.Table, r.RowID, err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO audit_events(id, community_id, user_id, action, subject_table,
		subject_id, household_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id.String(), r.CommunityID, me.UserID,
		AuditRevealID, r.Table, r.RowID, r.HouseholdID, at.UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("record reveal of %s %s: %w", r.Table, r.RowID, err)
	}
	return nil
}
