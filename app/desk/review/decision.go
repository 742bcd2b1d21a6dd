package review

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"doorstep/app/desk"
)

// Approve records that the signed-in supervisor approves a record, with an
// optional comment, and returns the new event.
//
// It refuses (desk.ErrInvalid) a record already approved, one superseded
// by a correction, and one the supervisor submitted themselves; it returns
// desk.ErrNotFound for a record not submitted or not in the supervisor's
// area.
func Approve(ctx context.Context, o *desk.Office, k Kind, id, comment string) (Event, error) {
	return decide(ctx, o, k, id, ActionApprove, comment, nil)
}

// Return records that the signed-in supervisor returns a record for
// correction, with a general comment and comments on specific fields
// (keyed as FieldKey makes them). At least one comment is required. The
// record then shows on its author's Today screen after sync. Refusals are
// as for Approve.
func Return(ctx context.Context, o *desk.Office, k Kind, id, comment string, fields map[string]string) (Event, error) {
	return decide(ctx, o, k, id, ActionReturn, comment, fields)
}

func decide(ctx context.Context, o *desk.Office, k Kind, id string, a Action, comment string, fields map[string]string) (Event, error) {
	it, err := Get(ctx, o, k, id)
	if err != nil {
		return Event{}, err
	}
	switch it.State {
	case Approved:
		return Event{}, desk.Invalid("already_approved", "%s %s is already approved", k, id)
	case Superseded:
		return Event{}, desk.Invalid("superseded", "%s %s was superseded by a correction", k, id)
	}
	if it.WorkerID != "" && it.WorkerID == o.Me {
		return Event{}, desk.Invalid("own_record", "%s %s was submitted by the reviewer", k, id)
	}
	comment = strings.TrimSpace(comment)
	kept := map[string]string{}
	for f, c := range fields {
		if c = strings.TrimSpace(c); c != "" && f != "" {
			kept[f] = c
		}
	}
	if a == ActionReturn && comment == "" && len(kept) == 0 {
		return Event{}, desk.Invalid("comment_required", "returning %s %s needs a comment", k, id)
	}
	at := o.Clock().UTC().Truncate(time.Second)
	e := Event{ID: o.ID(), RecordTable: k.Table(), RecordID: id, Action: a, Comment: comment,
		Fields: kept, ReviewerID: o.Me, At: at}
	values := map[string]any{
		"record_table":   e.RecordTable,
		"record_id":      id,
		"community_id":   it.CommunityID,
		"action":         string(a),
		"comment":        comment,
		"field_comments": encodeFields(kept),
		"reviewer_id":    o.Me,
		"at":             at.Format(time.RFC3339),
	}
	if k.Household() {
		values["household_id"] = it.SubjectID
	}
	if err := desk.Insert(ctx, o.DB, "review_events", e.ID, values); err != nil {
		return Event{}, fmt.Errorf("review %s %s: %w", a, id, err)
	}
	return e, nil
}

// Events returns every review decision on a record, oldest first.
func Events(ctx context.Context, o *desk.Office, recordID string) ([]Event, error) {
	var out []Event
	err := desk.Query(ctx, o.DB, "review events", `SELECT e.id, coalesce(e.record_table,''),
		coalesce(e.action,''), coalesce(e.comment,''), coalesce(e.field_comments,''),
		coalesce(e.reviewer_id,''), coalesce(s.name,''), coalesce(e.at,'')
		FROM review_events e LEFT JOIN staff s ON s.id = e.reviewer_id
		WHERE e.record_id = ? AND e.deleted = 0 ORDER BY e.at, e.id`, []any{recordID},
		func(r *sql.Rows) error {
			e := Event{RecordID: recordID}
			var fields, at string
			if err := r.Scan(&e.ID, &e.RecordTable, &e.Action, &e.Comment, &fields,
				&e.ReviewerID, &e.Reviewer, &at); err != nil {
				return err
			}
			e.Fields = decodeFields(fields)
			e.At, _ = desk.ParseInstant(at)
			out = append(out, e)
			return nil
		})
	return out, err
}

// FieldKey names a field for a field comment, as the field app's forms
// name fields: "members.<id>.id_number" for a row of a list section
// (members, incomes, assets), the bare column ("observations") for a
// field of the record itself. Household fields of a visit are
// "household.<column>" (Change.Key).
func FieldKey(section, rowID, column string) string {
	if rowID == "" {
		return column
	}
	return section + "." + rowID + "." + column
}

// SortedFields returns field-comment keys in a stable order for display.
func SortedFields(fields map[string]string) []string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func encodeFields(m map[string]string) any {
	if len(m) == 0 {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil { // a map of strings always marshals
		panic(err)
	}
	return string(b)
}

func decodeFields(s string) map[string]string {
	if s == "" {
		return nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return map[string]string{"": s}
	}
	return m
}
