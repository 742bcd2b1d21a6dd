package forms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"doorstep/schema"
)

// NewID returns a new record id: a UUID v7, whose time prefix keeps indexes
// local. Models take an id function so tests can make ids deterministic.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// col is one column value of a row being written.
type col struct {
	name string
	val  any
}

// normal converts a Go value to what SQLite returns for it.
func normal(v any) any {
	switch v := v.(type) {
	case bool:
		return int64(boolInt(v))
	case int:
		return int64(v)
	case int64, float64, string, nil:
		return v
	case []byte:
		return string(v)
	}
	return fmt.Sprint(v)
}

// writeRow inserts the row id of table with cols, or, when it exists, updates
// only the columns whose stored value differs — so change capture records
// what the user changed and nothing else. Table and column names are checked
// against the registry.
func writeRow(ctx context.Context, tx *sql.Tx, table, id string, cols []col) error {
	t, ok := schema.Reg.Table(table)
	if !ok {
		return fmt.Errorf("write %s: not a synced table", table)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		if _, ok := t.Column(c.name); !ok {
			return fmt.Errorf("write %s: no column %s", table, c.name)
		}
		names[i] = c.name
	}
	cur := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range cur {
		ptrs[i] = &cur[i]
	}
	err := tx.QueryRowContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+table+` WHERE id = ?`, id).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		args := []any{id}
		for _, c := range cols {
			args = append(args, normal(c.val))
		}
		q := `INSERT INTO ` + table + `(id, ` + strings.Join(names, ", ") + `) VALUES (?` +
			strings.Repeat(", ?", len(cols)) + `)`
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("insert %s %s: %w", table, id, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s %s: %w", table, id, err)
	}
	var sets []string
	var args []any
	for i, c := range cols {
		v := normal(c.val)
		if sameValue(cur[i], v) {
			continue
		}
		sets = append(sets, c.name+" = ?")
		args = append(args, v)
	}
	if len(sets) == 0 {
		return nil
	}
	args = append(args, id)
	if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+strings.Join(sets, ", ")+` WHERE id = ?`, args...); err != nil {
		return fmt.Errorf("update %s %s: %w", table, id, err)
	}
	return nil
}

// sameValue compares a stored value with a normalised new one.
func sameValue(stored, v any) bool {
	if b, ok := stored.([]byte); ok {
		stored = string(b)
	}
	switch s := stored.(type) {
	case int64:
		if f, ok := v.(float64); ok {
			return float64(s) == f
		}
	case float64:
		if n, ok := v.(int64); ok {
			return s == float64(n)
		}
	}
	return stored == v
}

// markDeleted sets deleted = 1 on rows of table (a soft delete, which syncs
// like any other change).
func markDeleted(ctx context.Context, tx *sql.Tx, table string, ids []string) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET deleted = 1 WHERE id = ? AND deleted = 0`, id); err != nil {
			return fmt.Errorf("delete %s %s: %w", table, id, err)
		}
	}
	return nil
}

// deleteDraft removes the form's draft in the same transaction as the save.
func deleteDraft(ctx context.Context, tx *sql.Tx, form, recordID string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE form = ? AND record_id = ?`, form, recordID); err != nil {
		return fmt.Errorf("delete draft %s/%s: %w", form, recordID, err)
	}
	return nil
}

// inTx runs fn in one transaction, committing when it returns nil.
func inTx(ctx context.Context, db *sql.DB, what string, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", what, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

// nullIf returns nil (SQL NULL) for the zero value, else v.
func nullIf[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}
