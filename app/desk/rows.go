package desk

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"doorstep/schema"
)

// Execer is what Insert and Update write through: an *sql.DB or *sql.Tx.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Insert adds one row to a registry table. Every key of values must be a
// column of the table in schema.Reg; names are never taken from anywhere
// else, so input cannot reach the SQL text.
func Insert(ctx context.Context, db Execer, table, id string, values map[string]any) error {
	cols, args, err := columns(table, values)
	if err != nil {
		return err
	}
	q := "INSERT INTO " + table + " (id, " + strings.Join(cols, ", ") + ") VALUES (?" +
		strings.Repeat(", ?", len(cols)) + ")"
	if _, err := db.ExecContext(ctx, q, append([]any{id}, args...)...); err != nil {
		return fmt.Errorf("insert %s %s: %w", table, id, err)
	}
	return nil
}

// Update sets columns of one row of a registry table (an ordinary write,
// which the sync engine captures). It refuses append-only tables, whose
// rows are events that never change, and reports ErrNotFound when no row
// has the id.
func Update(ctx context.Context, db Execer, table, id string, values map[string]any) error {
	if t, ok := schema.Reg.Table(table); ok && t.AppendOnly {
		return fmt.Errorf("update %s: table is append-only", table)
	}
	cols, args, err := columns(table, values)
	if err != nil {
		return err
	}
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = ?"
	}
	res, err := db.ExecContext(ctx, "UPDATE "+table+" SET "+strings.Join(set, ", ")+" WHERE id = ?",
		append(args, id)...)
	if err != nil {
		return fmt.Errorf("update %s %s: %w", table, id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("update %s %s: %w", table, id, ErrNotFound)
	}
	return nil
}

// columns checks values against the registry and returns the column names
// (sorted, so the SQL text is stable) with their arguments.
func columns(table string, values map[string]any) ([]string, []any, error) {
	t, ok := schema.Reg.Table(table)
	if !ok {
		return nil, nil, fmt.Errorf("write %s: not a synced table", table)
	}
	if len(values) == 0 {
		return nil, nil, fmt.Errorf("write %s: no columns", table)
	}
	cols := make([]string, 0, len(values))
	for c := range values {
		if _, ok := t.Column(c); !ok {
			return nil, nil, fmt.Errorf("write %s: no column %q", table, c)
		}
		cols = append(cols, c)
	}
	sort.Strings(cols)
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = values[c]
	}
	return cols, args, nil
}
