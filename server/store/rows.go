package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"strings"

	"doorstep/schema"
	"doorstep/schema/scope"
)

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// rowValues reads columns cols of the rows of t with the given ids, keyed by
// id. Rows that do not exist are absent. Table and column names come from
// the registry, never from input.
func rowValues(ctx context.Context, q querier, t *schema.Table, ids []string, cols []string) (map[string]map[string]any, error) {
	out := make(map[string]map[string]any, len(ids))
	for _, c := range cols {
		if _, ok := t.Column(c); !ok {
			return nil, fmt.Errorf("row values: %s has no column %q", t.Name, c)
		}
	}
	sel := "id"
	for _, c := range cols {
		sel += ", " + c
	}
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		in, args := inList(args)
		query := fmt.Sprintf(`SELECT %s FROM %s WHERE id IN (%s)`, sel, t.Name, in)
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, fmt.Errorf("row values of %s: %w", t.Name, err)
		}
		for rows.Next() {
			vals := make([]any, len(cols)+1)
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("row values of %s: %w", t.Name, err)
			}
			id, _ := vals[0].(string)
			m := make(map[string]any, len(cols))
			for i, c := range cols {
				m[c] = vals[i+1]
			}
			out[id] = m
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("row values of %s: %w", t.Name, err)
		}
	}
	return out, nil
}

// scopeRows reads the scope of the rows of t with the given ids (see
// scope.Columns), with their subjects filled in for rows about other rows.
// Rows that do not exist are absent.
func scopeRows(ctx context.Context, q querier, t *schema.Table, ids []string) (map[string]scope.Row, error) {
	vals, err := rowValues(ctx, q, t, ids, scope.Columns(t))
	if err != nil {
		return nil, err
	}
	out := make(map[string]scope.Row, len(vals))
	for id, v := range vals {
		out[id] = scope.NewRow(t, id, func(c string) any { return v[c] })
	}
	return out, fillSubjects(ctx, q, t, out)
}

// fillSubjects loads the subject rows of rows about other rows (conflict
// records, review events).
func fillSubjects(ctx context.Context, q querier, t *schema.Table, rows map[string]scope.Row) error {
	byTable := map[string][]string{}
	for _, r := range rows {
		if st, sid, ok := scope.Subject(t, r); ok {
			byTable[st] = append(byTable[st], sid)
		}
	}
	for name, ids := range byTable {
		st, ok := schema.Reg.Table(name)
		if !ok {
			continue // an unknown subject table: the row stays hidden
		}
		vals, err := rowValues(ctx, q, st, ids, scope.Columns(st))
		if err != nil {
			return err
		}
		for id, r := range rows {
			if r.SubjectTable != name {
				continue
			}
			if v, ok := vals[r.SubjectID]; ok {
				subj := scope.NewRow(st, r.SubjectID, func(c string) any { return v[c] })
				r.Subject = &subj
				rows[id] = r
			}
		}
	}
	return nil
}

// inList returns the placeholders of an IN list of vals and the values
// to bind, padded by repeating the last to the next power of two (a
// repeated value changes nothing an IN list matches). A statement's text
// names its count of values, and each text is prepared once a connection
// and cached: with a text for every count the statement caches churned
// and the server's CPU went to parsing SQL.
func inList(vals []any) (string, []any) {
	n := padLen(len(vals))
	if n == len(vals) {
		return placeholders(n), vals
	}
	out := make([]any, n)
	copy(out, vals)
	for i := len(vals); i < n; i++ {
		out[i] = vals[len(vals)-1]
	}
	return placeholders(n), out
}

// floorPow2 is the largest power of two not over n (n ≥ 1): the row count
// of the next multi-row statement, so that statement texts stay few.
func floorPow2(n int) int {
	return 1 << (bits.Len(uint(n)) - 1)
}

// padLen is n rounded up to a power of two (0 stays 0).
func padLen(n int) int {
	if n <= 1 {
		return n
	}
	return 1 << bits.Len(uint(n-1))
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}
