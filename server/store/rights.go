package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/client/api"
)

// pushedRow is one row a push touches: its changes in push order.
type pushedRow struct {
	id      string
	changes []change.Change
}

// groupByRow groups a changeset's changes by table and row, keeping the
// order in which tables and rows first appear.
func groupByRow(set *change.Set) ([]*schema.Table, map[string][]*pushedRow) {
	var tables []*schema.Table
	rows := map[string][]*pushedRow{}
	index := map[string]map[string]*pushedRow{}
	for _, c := range set.Changes {
		t, _ := schema.Reg.Table(c.Table) // decoded changesets name registry tables only
		if index[c.Table] == nil {
			index[c.Table] = map[string]*pushedRow{}
			tables = append(tables, t)
		}
		r := index[c.Table][c.ID]
		if r == nil {
			r = &pushedRow{id: c.ID}
			index[c.Table][c.ID] = r
			rows[c.Table] = append(rows[c.Table], r)
		}
		r.changes = append(r.changes, c)
	}
	return tables, rows
}

// checkRights refuses the whole push when any change is outside the user's
// write rights (scope.CheckWrite). Each row is checked as stored (may the
// user touch it at all?) and as the push would leave it (may the user put
// it there?); for the latter, a pushed scope value counts whether or not it
// would win the merge. The columns a row's changes change are passed too:
// for a stored row, a pushed value equal to the stored one changes nothing
// (columns whose stored value was not loaded always count as changed).
func (s *Store) checkRights(ctx context.Context, u *scope.User, set *change.Set) error {
	tables, rows := groupByRow(set)
	// Every row outside the user's rights is named in the refusal, so the
	// device can set them all aside at once.
	var refused *api.Error
	for _, t := range tables {
		if t == nil {
			return api.Errorf(api.CodeUnknownTable, "a change names a table that is not synced")
		}
		prs := rows[t.Name]
		ids := make([]string, len(prs))
		for i, r := range prs {
			ids[i] = r.id
		}
		cols := scope.Columns(t)
		if scope.ColumnRules(t) {
			cols = t.ColumnNames()
		}
		stored, err := rowValues(ctx, s.db, t, ids, cols)
		if err != nil {
			return fmt.Errorf("check rights: %w", err)
		}
		before := make(map[string]scope.Row, len(stored))
		after := make(map[string]scope.Row, len(prs))
		changed := make(map[string][]string, len(prs))
		for _, r := range prs {
			old, exists := stored[r.id]
			if exists {
				before[r.id] = scope.NewRow(t, r.id, func(c string) any { return old[c] })
			}
			pushed := map[string]any{}
			for _, c := range r.changes {
				if scope.IsScopeColumn(t, c.Column) {
					pushed[c.Column] = c.Value
				}
				if !slices.Contains(changed[r.id], c.Column) && (!exists || !sameStored(old, c)) {
					changed[r.id] = append(changed[r.id], c.Column)
				}
			}
			after[r.id] = scope.NewRow(t, r.id, func(c string) any {
				if v, ok := pushed[c]; ok {
					return v
				}
				return old[c]
			})
		}
		if err := fillSubjects(ctx, s.db, t, before); err != nil {
			return fmt.Errorf("check rights: %w", err)
		}
		if err := fillSubjects(ctx, s.db, t, after); err != nil {
			return fmt.Errorf("check rights: %w", err)
		}
		for _, r := range prs {
			w := scope.Write{After: after[r.id], Columns: changed[r.id]}
			if b, ok := before[r.id]; ok {
				w.Before = &b
			}
			err := scope.CheckWrite(u, t, w)
			var e *scope.Refusal
			if errors.As(err, &e) {
				refused = refuse(refused, refusalError(e), t.Name, r.id)
			} else if err != nil {
				return err
			}
		}
		if refused != nil {
			continue
		}
		if t.AppendOnly {
			if err := checkAppendOnly(ctx, s.db, t, prs); err != nil {
				return err
			}
		}
	}
	if refused != nil {
		if n := len(refused.Rows); n > 1 {
			refused.Message += fmt.Sprintf(" (and %d more rows)", n-1)
		}
		return refused
	}
	return nil
}

// refusalError is the API error of a policy refusal.
func refusalError(r *scope.Refusal) *api.Error {
	code := api.CodeForbiddenScope
	if r.Kind == scope.RefuseRole {
		code = api.CodeForbiddenRole
	}
	return &api.Error{Code: code, Message: r.Message}
}

// refuse adds a row to the push's refusal: the first refused row's error
// gives the code and message, and every refused row is listed in Rows.
func refuse(refused, e *api.Error, table, id string) *api.Error {
	if refused == nil {
		refused = &api.Error{Code: e.Code, Message: e.Message}
	}
	refused.Rows = append(refused.Rows, api.RowRef{Table: table, ID: id})
	return refused
}

// checkAppendOnly refuses changes to events that exist already, unless the
// change carries the value stored (a resent event changes nothing).
func checkAppendOnly(ctx context.Context, q querier, t *schema.Table, prs []*pushedRow) error {
	ids := make([]string, len(prs))
	for i, r := range prs {
		ids[i] = r.id
	}
	stored, err := rowValues(ctx, q, t, ids, t.ColumnNames())
	if err != nil {
		return fmt.Errorf("check append-only %s: %w", t.Name, err)
	}
	for _, r := range prs {
		old, ok := stored[r.id]
		if !ok {
			continue
		}
		for _, c := range r.changes {
			if !change.EqualValues(normalize(old[c.Column]), c.Value) {
				return api.Errorf(api.CodeAppendOnly, "%s row %s is an event recorded already; %s cannot change (write a new event instead)", t.Name, r.id, c.Column)
			}
		}
	}
	return nil
}

// sameStored reports whether c writes the value stored in old (which holds
// only the columns loaded; a column not loaded is never the same).
func sameStored(old map[string]any, c change.Change) bool {
	v, ok := old[c.Column]
	return ok && change.EqualValues(normalize(v), c.Value)
}

// normalize turns a value read from SQLite into a change value.
func normalize(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}
