package replica

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// dataRow is the current content of one row of a synced table.
type dataRow struct {
	exists bool   // the database holds the row
	vals   []any  // by index in table.Columns
	write  uint64 // batched merge: columns (indexes in vals) to write
	loaded bool   // batched merge: vals holds the stored values too
	rowid  int64  // batched merge: the row's rowid when known (exists)
}

// selectSQL returns the query reading every synced column of a row.
func selectSQL(m *tableMeta) string {
	return fmt.Sprintf(`SELECT %s FROM %s WHERE id = ?`, strings.Join(m.table.ColumnNames(), ", "), m.table.Name)
}

// loadManySQL returns the query reading, for each id of a JSON array
// (argument 2) of the table numbered by argument 1, its row clock (NULLs
// when none), whether the data row exists and its rowid (NULL for a table
// without one).
func loadManySQL(m *tableMeta) string {
	rowid := "NULL"
	if m.rowid {
		rowid = "d.rowid"
	}
	return fmt.Sprintf(`SELECT j.value, r.seq, r.pend, r.clk, d.id IS NOT NULL, %s FROM json_each(?2) AS j
		LEFT JOIN sync_rows AS r ON r.t = ?1 AND r.id = j.value LEFT JOIN %s AS d ON d.id = j.value`, rowid, m.table.Name)
}

// readRow reads row id of table m (all columns).
func (s *session) readRow(m *tableMeta, id string) (*dataRow, error) {
	d := &dataRow{vals: make([]any, len(m.table.Columns))}
	ptrs := make([]any, len(d.vals))
	for i := range d.vals {
		ptrs[i] = &d.vals[i]
	}
	err := s.tx.QueryRowContext(s.ctx, m.sel, id).Scan(ptrs...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return d, nil
	case err != nil:
		return nil, fmt.Errorf("read %s/%s: %w", m.table.Name, id, err)
	}
	d.exists, d.loaded = true, true
	for i, v := range d.vals {
		d.vals[i] = normalize(v)
	}
	return d, nil
}

// normalize turns a scanned SQLite value into a change value.
func normalize(v any) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case int:
		return int64(x)
	}
	return v
}
