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
}

// selectSQL returns the query reading every synced column of a row.
func selectSQL(m *tableMeta) string {
	return fmt.Sprintf(`SELECT %s FROM %s WHERE id = ?`, strings.Join(m.table.ColumnNames(), ", "), m.table.Name)
}

// selectManySQL returns the query reading the id and every synced column
// of the rows whose ids are in a JSON array.
func selectManySQL(m *tableMeta) string {
	return fmt.Sprintf(`SELECT id, %s FROM %s WHERE id IN (SELECT value FROM json_each(?))`,
		strings.Join(m.table.ColumnNames(), ", "), m.table.Name)
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
	d.exists = true
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
