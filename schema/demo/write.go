package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"doorstep/schema"
)

// writeBatch is how many rows Write inserts per transaction.
const writeBatch = 4000

// Write inserts the district's rows into db with plain INSERT statements
// built only from registry names (schema.Reg), in transactions of a few
// thousand rows. db is a database migrated with schema.Migrate, or a sync
// replica's handle: nothing but ordinary INSERTs is issued, so change-capture
// triggers, if attached, record every row.
//
// Every row must name a registry table and carry exactly the table's columns
// with values of the column's type (string, int64, float64 or nil); a row
// that does not is refused before anything of its batch is committed.
// Batches already committed stay: write into an empty database, and on
// error discard it. Rows whose id already exists fail with the database's
// constraint error.
func Write(ctx context.Context, db *sql.DB, d *District) error {
	for start := 0; start < len(d.Rows); start += writeBatch {
		end := min(start+writeBatch, len(d.Rows))
		if err := writeBatchTx(ctx, db, d.Rows[start:end]); err != nil {
			return fmt.Errorf("write demo district rows %d–%d: %w", start, end-1, err)
		}
	}
	return nil
}

// writeBatchTx inserts rows in one transaction.
func writeBatchTx(ctx context.Context, db *sql.DB, rows []Row) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	stmts := map[string]*sql.Stmt{}
	for _, row := range rows {
		t, ok := schema.Reg.Table(row.Table)
		if !ok {
			return fmt.Errorf("row %s: table %q is not in the registry", row.ID, row.Table)
		}
		args, err := rowArgs(t, row)
		if err != nil {
			return err
		}
		st, ok := stmts[t.Name]
		if !ok {
			if st, err = tx.PrepareContext(ctx, insertSQL(t)); err != nil {
				return fmt.Errorf("prepare insert into %s: %w", t.Name, err)
			}
			defer st.Close()
			stmts[t.Name] = st
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert into %s id %s: %w", t.Name, row.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// insertSQL is "INSERT INTO t (id, c1, …) VALUES (?, ?, …)" from registry names.
func insertSQL(t *schema.Table) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(t.Name)
	b.WriteString(" (id")
	for _, c := range t.Columns {
		b.WriteString(", ")
		b.WriteString(c.Name)
	}
	b.WriteString(") VALUES (?")
	b.WriteString(strings.Repeat(", ?", len(t.Columns)))
	b.WriteString(")")
	return b.String()
}

// rowArgs returns the row's id and values in registry column order, checking
// that the row has exactly the table's columns, each of its column's type.
func rowArgs(t *schema.Table, row Row) ([]any, error) {
	if row.ID == "" {
		return nil, fmt.Errorf("%s row without id", t.Name)
	}
	if len(row.Values) != len(t.Columns) {
		for k := range row.Values {
			if _, ok := t.Column(k); !ok {
				return nil, fmt.Errorf("%s row %s: column %q is not in the registry", t.Name, row.ID, k)
			}
		}
		return nil, fmt.Errorf("%s row %s: has %d of the table's %d columns", t.Name, row.ID, len(row.Values), len(t.Columns))
	}
	args := make([]any, 0, len(t.Columns)+1)
	args = append(args, row.ID)
	for _, c := range t.Columns {
		v, ok := row.Values[c.Name]
		if !ok {
			return nil, fmt.Errorf("%s row %s: column %s missing", t.Name, row.ID, c.Name)
		}
		if !typeOK(c.Type, v) {
			return nil, fmt.Errorf("%s row %s: column %s (%s) holds %T", t.Name, row.ID, c.Name, c.Type, v)
		}
		args = append(args, v)
	}
	return args, nil
}

// typeOK reports whether v may be stored in a column of type ty.
func typeOK(ty schema.Type, v any) bool {
	switch v.(type) {
	case nil:
		return true
	case string:
		return ty == schema.TypeText
	case int64:
		return ty == schema.TypeInt
	case float64:
		return ty == schema.TypeReal
	}
	return false
}
