package replica

import (
	"context"
	"fmt"

	"doorstep/schema"
)

// tableMeta is a synced table with its stable numbers: t in sync_tables
// and a bit per column in sync_columns. Numbers are assigned once and kept,
// so masks stored in row clocks stay valid when the registry grows.
type tableMeta struct {
	t     int64
	table *schema.Table
	bit   []int          // bit of table.Columns[i]
	col   map[int]int    // bit -> index in table.Columns
	byCol map[string]int // column name -> bit
	all   uint64         // mask of every registry column
	sel   string         // SELECT of every column by id
	// loadMany reads row clocks, existence and rowids for a JSON id array.
	loadMany string
	// loadVals reads the values of the rows of a JSON id array.
	loadVals string
	// rowid: the table has rowids (not WITHOUT ROWID), so the batched merge
	// updates rows by rowid, skipping the lookup by id.
	rowid bool
}

// maxColumns is how many columns one table may sync: masks are 64 bits.
const maxColumns = 64

// loadTables reads or assigns table and column numbers for schema.Reg.
func (r *Replica) loadTables(ctx context.Context) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("load tables: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	tnum := map[string]int64{}
	var maxT int64
	rows, err := tx.QueryContext(ctx, `SELECT t, name FROM sync_tables`)
	if err != nil {
		return fmt.Errorf("load tables: %w", err)
	}
	for rows.Next() {
		var t int64
		var name string
		if err := rows.Scan(&t, &name); err != nil {
			rows.Close()
			return fmt.Errorf("load tables: %w", err)
		}
		tnum[name] = t
		maxT = max(maxT, t)
	}
	rows.Close()
	cnum := map[[2]any]int{}
	maxC := map[int64]int{}
	rows, err = tx.QueryContext(ctx, `SELECT t, c, name FROM sync_columns`)
	if err != nil {
		return fmt.Errorf("load columns: %w", err)
	}
	for rows.Next() {
		var t int64
		var c int
		var name string
		if err := rows.Scan(&t, &c, &name); err != nil {
			rows.Close()
			return fmt.Errorf("load columns: %w", err)
		}
		cnum[[2]any{t, name}] = c
		maxC[t] = max(maxC[t], c+1)
	}
	rows.Close()

	r.byName = map[string]*tableMeta{}
	r.tables = nil
	for _, tb := range schema.Reg.Tables() {
		t, ok := tnum[tb.Name]
		if !ok {
			maxT++
			t = maxT
			if _, err := tx.ExecContext(ctx, `INSERT INTO sync_tables (t, name) VALUES (?, ?)`, t, tb.Name); err != nil {
				return fmt.Errorf("number table %s: %w", tb.Name, err)
			}
		}
		m := &tableMeta{t: t, table: tb, col: map[int]int{}, byCol: map[string]int{}}
		for i, col := range tb.Columns {
			c, ok := cnum[[2]any{t, col.Name}]
			if !ok {
				c = maxC[t]
				maxC[t]++
				if c >= maxColumns {
					return fmt.Errorf("table %s: more than %d synced columns", tb.Name, maxColumns)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO sync_columns (t, c, name) VALUES (?, ?, ?)`, t, c, col.Name); err != nil {
					return fmt.Errorf("number column %s.%s: %w", tb.Name, col.Name, err)
				}
			}
			m.bit = append(m.bit, c)
			m.col[c] = i
			m.byCol[col.Name] = c
			m.all |= 1 << uint(c)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND name = ? AND NOT wr`,
			tb.Name).Scan(&m.rowid); err != nil {
			return fmt.Errorf("load table %s: %w", tb.Name, err)
		}
		m.sel = selectSQL(m)
		m.loadMany = loadManySQL(m)
		m.loadVals = loadValsSQL(m)
		for int64(len(r.tables)) <= t {
			r.tables = append(r.tables, nil)
		}
		r.tables[t] = m
		r.byName[tb.Name] = m
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("load tables: %w", err)
	}
	return nil
}

// meta returns the table numbered t, or nil.
func (r *Replica) meta(t int64) *tableMeta {
	if t < 0 || t >= int64(len(r.tables)) {
		return nil
	}
	return r.tables[t]
}
