package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// An office correction of a record that is not an event (a grant typed
// wrong, say) changes the row in place, and is itself recorded: an
// append-only audit_events row naming who, when, what and why, with the
// values before and after, which syncs to every office device.

// Correction is the detail of an audited correction.
type Correction struct {
	// Reason is why, in the supervisor's words.
	Reason string `json:"reason"`
	// Before and After are the changed columns' values (After is empty
	// for a withdrawal).
	Before map[string]any `json:"before,omitempty"`
	After  map[string]any `json:"after,omitempty"`
}

// Audited is what an audit event is about: a row of a table and where it
// belongs.
type Audited struct {
	Table, ID, CommunityID, HouseholdID string
}

// Audit writes one audit event of the signed-in supervisor, at the
// office's clock, in db's transaction.
func (o *Office) Audit(ctx context.Context, db Execer, action string, about Audited, c Correction) error {
	detail, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("audit %s of %s %s: %w", action, about.Table, about.ID, err)
	}
	var household any
	if about.HouseholdID != "" {
		household = about.HouseholdID
	}
	return Insert(ctx, db, "audit_events", o.ID(), map[string]any{
		"community_id": about.CommunityID, "user_id": o.Me, "action": action,
		"subject_table": about.Table, "subject_id": about.ID, "household_id": household,
		"at": o.Clock().UTC().Format(time.RFC3339), "detail": string(detail),
	})
}
