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
	want   bool   // batched merge: its values are to be read before merging
}

// selectSQL returns the query reading every synced column of a row.
func selectSQL(m *tableMeta) string {
	return fmt.Sprintf(`SELECT %s FROM %s WHERE id = ?`, strings.Join(m.table.ColumnNames(), ", "), m.table.Name)
}

// loadManySQL returns the query reading, for each id of a JSON array
// (argument 2) of the table numbered by argument 1: its index in the
// array, its row clock (NULLs when none), and the data row's rowid (NULL
// when the row does not exist; for a table without rowids 1 when it does).
func loadManySQL(m *tableMeta) string {
	rowid := "CASE WHEN d.id IS NULL THEN NULL ELSE 1 END"
	if m.rowid {
		rowid = "d.rowid"
	}
	return fmt.Sprintf(`SELECT j.key, r.seq, r.pend, r.clk, %s FROM json_each(?2) AS j
		LEFT JOIN sync_rows AS r ON r.t = ?1 AND r.id = j.value LEFT JOIN %s AS d ON d.id = j.value`, rowid, m.table.Name)
}

// loadValsSQL returns the query reading, for each id of a JSON array
// (argument 1), its index in the array and every synced column of its
// row; ids without a row are left out.
func loadValsSQL(m *tableMeta) string {
	return fmt.Sprintf(`SELECT j.key, d.%s FROM json_each(?1) AS j JOIN %s AS d ON d.id = j.value`,
		strings.Join(m.table.ColumnNames(), ", d."), m.table.Name)
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
