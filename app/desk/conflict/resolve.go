package conflict

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"doorstep/app/desk"
	"doorstep/schema"
)

// Choose resolves a conflict by keeping one side's value: winner true
// keeps the value the sync chose, false restores the other one.
func Choose(ctx context.Context, o *desk.Office, id string, winner bool) error {
	c, err := open(ctx, o, id)
	if err != nil {
		return err
	}
	v := c.Loser.Value
	if winner {
		v = c.Winner.Value
	}
	return resolve(ctx, o, c, v)
}

// Enter resolves a conflict with a value the supervisor typed, read for
// the column's type: whole numbers for integer columns (money columns,
// …_fen, in yuan with up to two decimals; yes/no columns 0 or 1), decimals
// for real columns, text as typed. Empty means no value (NULL). A value
// that does not fit is desk.ErrInvalid with code "value".
func Enter(ctx context.Context, o *desk.Office, id, text string) error {
	c, err := open(ctx, o, id)
	if err != nil {
		return err
	}
	v, err := Parse(c.Table, c.Column, text)
	if err != nil {
		return err
	}
	return resolve(ctx, o, c, v)
}

// Parse reads typed text as a value of a registry column (see Enter).
func Parse(table, column, text string) (any, error) {
	t, ok := schema.Reg.Table(table)
	if !ok {
		return nil, fmt.Errorf("parse value: %s is not a synced table", table)
	}
	col, ok := t.Column(column)
	if !ok {
		return nil, fmt.Errorf("parse value: %s has no column %s", table, column)
	}
	s := strings.TrimSpace(text)
	if col.Type == schema.TypeText {
		if s == "" {
			return nil, nil
		}
		return text, nil
	}
	if s == "" {
		if column == "deleted" {
			return nil, desk.Invalid("value", "deleted needs 0 or 1")
		}
		return nil, nil
	}
	switch {
	case col.Type == schema.TypeReal:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, desk.Invalid("value", "%q is not a number", s)
		}
		return f, nil
	case isMoney(column):
		fen, ok := parseYuan(s)
		if !ok {
			return nil, desk.Invalid("value", "%q is not an amount", s)
		}
		return fen, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, desk.Invalid("value", "%q is not a whole number", s)
	}
	return n, nil
}

// parseYuan reads "123", "123.4" or "-123.45" as fen.
func parseYuan(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > math.MaxInt64/100-1 {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt(frac+strings.Repeat("0", 2-len(frac)), 10, 64); err != nil {
			return 0, false
		}
	}
	fen := y*100 + f
	if neg {
		fen = -fen
	}
	return fen, true
}

// open returns an open conflict the supervisor may resolve.
func open(ctx context.Context, o *desk.Office, id string) (Conflict, error) {
	c, err := Get(ctx, o, id)
	if err != nil {
		return Conflict{}, err
	}
	if c.Resolved {
		return Conflict{}, desk.Invalid("resolved", "conflict %s is already resolved", id)
	}
	t, ok := schema.Reg.Table(c.Table)
	if !ok || !has(t, c.Column) || t.AppendOnly {
		return Conflict{}, fmt.Errorf("conflict %s: %s.%s is not a writable synced column", id, c.Table, c.Column)
	}
	return c, nil
}

// resolve writes v into the conflicting field and marks every open
// conflict on that field resolved, in one transaction.
func resolve(ctx context.Context, o *desk.Office, c Conflict, v any) error {
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("resolve conflict %s: %w", c.ID, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := desk.Update(ctx, tx, c.Table, c.RowID, map[string]any{c.Column: v}); err != nil {
		return fmt.Errorf("resolve conflict %s: %w", c.ID, err)
	}
	var ids []string
	rows, err := tx.QueryContext(ctx, `SELECT id FROM conflicts WHERE tbl = ? AND row_id = ? AND col = ?
		AND coalesce(resolved,0) = 0 AND deleted = 0`, c.Table, c.RowID, c.Column)
	if err != nil {
		return fmt.Errorf("resolve conflict %s: %w", c.ID, err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("resolve conflict %s: %w", c.ID, err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("resolve conflict %s: %w", c.ID, err)
	}
	for _, id := range ids {
		err := desk.Update(ctx, tx, "conflicts", id, map[string]any{
			"resolved": 1, "resolved_by": o.Me, "resolved_at": o.Stamp()})
		if err != nil {
			return fmt.Errorf("resolve conflict %s: %w", c.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("resolve conflict %s: commit: %w", c.ID, err)
	}
	return nil
}
