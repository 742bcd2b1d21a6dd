package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
)

// Scope moves. A row whose scope columns (scope.Columns) change can leave a
// user's scope: a household moved to another community, a spot check made
// unannounced so its caseworker may no longer see it. Devices that hold the
// row must drop it, but a pull only sends rows the user may see. So a
// trigger per table records the row's old scope values in scope_moves,
// whatever wrote the change (a merged push, an admin command), with the
// highest sync sequence committed at the time: the change's own sequence
// is greater.
//
// A pull lists a changed row the user may not see as gone when a move of
// that row was recorded at or after the start of the device's round
// (cursor Since; the device has seen everything up to there, and no move
// after it) and the user could see the row under the old scope values.
// Rows about a gone row (its conflict records and review events) are gone
// with it. Sending a gone row the device does not hold is harmless; the
// ids sent are of rows the user could see before.

// moveTriggerSQL returns, per table with scope columns, the trigger name
// and the statement creating it.
func moveTriggerSQL() map[string]string {
	out := map[string]string{}
	for _, t := range schema.Reg.Tables() {
		cols := scope.Columns(t)
		if len(cols) == 0 {
			continue
		}
		var when, obj []string
		for _, c := range cols {
			when = append(when, fmt.Sprintf("old.%[1]s IS NOT new.%[1]s", c))
			obj = append(obj, fmt.Sprintf("'%[1]s', old.%[1]s", c))
		}
		name := "scope_move_" + t.Name
		out[name] = fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE ON %s WHEN %s BEGIN
  INSERT INTO scope_moves (tbl, row_id, old, after_seq)
    VALUES ('%s', old.id, json_object(%s), (SELECT coalesce(max(seq), 0) FROM sync_rows));
END`, name, t.Name, strings.Join(when, " OR "), t.Name, strings.Join(obj, ", "))
	}
	return out
}

// installMoveTriggers installs the registry's scope move triggers (see
// installTriggers: nothing is written when they are as wanted).
func (s *Store) installMoveTriggers(ctx context.Context) error {
	return s.installTriggers(ctx, "scope move triggers", "scope_move_", moveTriggerSQL(), nil, nil)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// moves holds the recorded scope moves of a pull's window: for each
// "table/id", the old scope values of each move.
type moves map[string][]map[string]any

// loadMoves reads the scope moves recorded at or after seq since.
func loadMoves(ctx context.Context, q querier, since int64) (moves, error) {
	rows, err := q.QueryContext(ctx, `SELECT tbl, row_id, old FROM scope_moves WHERE after_seq >= ? ORDER BY n`, since)
	if err != nil {
		return nil, fmt.Errorf("scope moves: %w", err)
	}
	defer rows.Close()
	out := moves{}
	for rows.Next() {
		var tbl, id, old string
		if err := rows.Scan(&tbl, &id, &old); err != nil {
			return nil, fmt.Errorf("scope moves: %w", err)
		}
		var vals map[string]any
		if err := json.Unmarshal([]byte(old), &vals); err != nil {
			return nil, fmt.Errorf("scope move of %s/%s: %w", tbl, id, err)
		}
		out[tbl+"/"+id] = append(out[tbl+"/"+id], vals)
	}
	return out, rows.Err()
}

// goneRows returns which of the rows (changed rows u may not see now) u
// could see under a recorded old scope, plus the rows about them.
func (s *Store) goneRows(ctx context.Context, u *scope.User, mv moves, rows []change.RowRef) ([]change.RowRef, error) {
	var gone []change.RowRef
	seen := map[change.RowRef]bool{}
	add := func(g change.RowRef) {
		if !seen[g] {
			seen[g] = true
			gone = append(gone, g)
		}
	}
	for _, r := range rows {
		olds := mv[r.Table+"/"+r.ID]
		if len(olds) == 0 {
			continue
		}
		t, ok := schema.Reg.Table(r.Table)
		if !ok {
			continue
		}
		for _, old := range olds {
			sr := scope.NewRow(t, r.ID, func(c string) any { return jsonValue(old[c]) })
			if st, sid, ok := scope.Subject(t, sr); ok {
				subj, err := s.subjectRow(ctx, st, sid)
				if err != nil {
					return nil, err
				}
				sr.Subject = subj
			}
			if scope.CanRead(u, t, sr) {
				add(r)
				break
			}
		}
	}
	// Rows about a gone row are no longer readable either.
	for _, g := range append([]change.RowRef(nil), gone...) {
		for _, about := range scope.AboutTables() {
			tc, ic, _ := scope.AboutColumns(about)
			ids, err := s.strings(ctx, fmt.Sprintf(`SELECT id FROM %s WHERE %s = ? AND %s = ?`, about, tc, ic), g.Table, g.ID)
			if err != nil {
				return nil, fmt.Errorf("rows about %s/%s: %w", g.Table, g.ID, err)
			}
			for _, id := range ids {
				add(change.RowRef{Table: about, ID: id})
			}
		}
	}
	return gone, nil
}

// subjectRow reads the current scope of row id of table name; nil when it
// does not exist.
func (s *Store) subjectRow(ctx context.Context, name, id string) (*scope.Row, error) {
	t, ok := schema.Reg.Table(name)
	if !ok {
		return nil, nil
	}
	m, err := scopeRows(ctx, s.db, t, []string{id})
	if err != nil {
		return nil, err
	}
	if r, ok := m[id]; ok {
		return &r, nil
	}
	return nil, nil
}

// jsonValue turns a value decoded from json_object into what a SQLite
// driver returns (integers as int64).
func jsonValue(v any) any {
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		return int64(f)
	}
	return v
}
