package replica

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// Batched reads and writes of one sync operation. Apply merges a whole
// page in memory: it reads the row clocks and data rows of every row the
// page touches with one query per table (preloadClocks, preloadRows), works
// out the winners, and then writes the changed data rows with one
// statement per table, column set and chunk of rows (writeRows) and the
// changed row clocks likewise (session.flush). A row met twice in one
// page is read once and written once, with its final values.

// writeChunk is how many rows one multi-row statement writes; with at most
// 64 columns per table it stays under SQLite's 32,766 parameters.
const writeChunk = 128

// chunkLen is how many of n rows the next multi-row statement writes: the
// largest power of two not over n or writeChunk. A statement's text names
// its row count, and each text is prepared once a connection and cached
// (stmtcache.go): with every count from 1 to 128 possible the cache
// churned, and a profile of 1,000 devices pushing found an eighth of the
// server's CPU in SQLite's parser. Powers of two give at most eight texts
// per table and column set, for at most eight statements a batch.
func chunkLen(n int) int {
	if n >= writeChunk {
		return writeChunk
	}
	return 1 << (bits.Len(uint(n)) - 1)
}

// idList encodes ids as a JSON array for json_each.
func idList(ids []string) (string, error) {
	n := 2
	for _, id := range ids {
		n += len(id) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		if !plainJSON(id) {
			q, err := json.Marshal(id)
			if err != nil {
				return "", err
			}
			b = append(b, q...)
			continue
		}
		b = append(b, '"')
		b = append(b, id...)
		b = append(b, '"')
	}
	b = append(b, ']')
	return string(b), nil
}

// plainJSON reports whether s is printable ASCII needing no JSON escape
// (row ids are UUIDs).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// loadRows reads, for the rows ids of table m (each once), the row clocks
// into the session cache (rows already cached, e.g. by the fold, keep
// theirs) and whether the data row exists into cache (its values are read
// later, if needed), with one query.
func (s *session) loadRows(m *tableMeta, ids []string, cache map[rowKey]*dataRow) error {
	arg, err := idList(ids)
	if err != nil {
		return fmt.Errorf("read %s: %w", m.table.Name, err)
	}
	rows, err := s.tx.QueryContext(s.ctx, m.loadMany, m.t, arg)
	if err != nil {
		return fmt.Errorf("read %s: %w", m.table.Name, err)
	}
	defer rows.Close()
	// One allocation each for the batch's data rows and row states.
	data := make([]dataRow, len(ids))
	states := make([]rowState, 0, len(ids))
	var i int
	var seq, pend, rowid sql.NullInt64
	var clk []byte
	for rows.Next() {
		if err := rows.Scan(&i, &seq, &pend, &clk, &rowid); err != nil {
			return fmt.Errorf("read %s: %w", m.table.Name, err)
		}
		if i < 0 || i >= len(ids) {
			return fmt.Errorf("read %s: index %d of %d ids", m.table.Name, i, len(ids))
		}
		k := rowKey{m.t, ids[i]}
		if _, ok := s.rows[k]; !ok {
			states = append(states, rowState{key: k})
			st := &states[len(states)-1]
			if seq.Valid {
				st.seq, st.pend, st.stored = seq.Int64, pend.Int64, true
				if st.clk, err = decodeRowClock(clk); err != nil {
					return fmt.Errorf("row clock %d/%s: %w", m.t, k.id, err)
				}
			}
			s.rows[k] = st
		}
		d := &data[i]
		d.exists, d.rowid = rowid.Valid, rowid.Int64 // vals made on first use
		cache[k] = d
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", m.table.Name, err)
	}
	return nil
}

// loadValues reads the stored values of the rows ids of table m (each once,
// none merged yet) into their cached data rows, with one query; rows it
// finds are marked loaded.
func (s *session) loadValues(m *tableMeta, ids []string, cache map[rowKey]*dataRow) error {
	arg, err := idList(ids)
	if err != nil {
		return fmt.Errorf("read %s: %w", m.table.Name, err)
	}
	rows, err := s.tx.QueryContext(s.ctx, m.loadVals, arg)
	if err != nil {
		return fmt.Errorf("read %s: %w", m.table.Name, err)
	}
	defer rows.Close()
	n := len(m.table.Columns)
	vals := make([]any, len(ids)*n) // one allocation for the batch
	ptrs := make([]any, n+1)
	var i int
	ptrs[0] = &i
	for rows.Next() {
		if len(vals) < n {
			return fmt.Errorf("read %s: more rows than ids", m.table.Name)
		}
		row := vals[:n:n]
		vals = vals[n:]
		for c := range row {
			ptrs[c+1] = &row[c]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", m.table.Name, err)
		}
		if i < 0 || i >= len(ids) {
			return fmt.Errorf("read %s: index %d of %d ids", m.table.Name, i, len(ids))
		}
		d := cache[rowKey{m.t, ids[i]}]
		if d.write != 0 {
			return fmt.Errorf("read %s/%s: values read after a merge", m.table.Name, ids[i])
		}
		for c, v := range row {
			row[c] = normalize(v)
		}
		d.vals, d.loaded = row, true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", m.table.Name, err)
	}
	return nil
}

// rowWrite is a data row with columns to write.
type rowWrite struct {
	meta *tableMeta
	id   string
	d    *dataRow
}

// writeRows writes the given rows' changed columns (dataRow.write): rows
// that existed are updated, the others inserted, with one statement per
// table, column set and chunk of writeChunk rows. Each row's write mask is
// cleared.
func (s *session) writeRows(ws []rowWrite) error {
	type groupKey struct {
		meta   *tableMeta
		insert bool
		mask   uint64
	}
	groups := map[groupKey][]rowWrite{}
	var order []groupKey
	for _, w := range ws {
		if w.d.write == 0 {
			continue
		}
		k := groupKey{w.meta, !w.d.exists, w.d.write}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], w)
	}
	var args []any // reused: the driver copies what it binds
	for _, k := range order {
		rows := groups[k]
		cols := columns(k.mask)
		for len(rows) > 0 {
			part := rows[:chunkLen(len(rows))]
			rows = rows[len(part):]
			args = slices.Grow(args[:0], len(part)*(len(cols)+1))
			byRowid := !k.insert && k.meta.rowid
			for _, w := range part {
				if byRowid {
					args = append(args, w.d.rowid)
				} else {
					args = append(args, w.id)
				}
				for _, ci := range cols {
					args = append(args, w.d.vals[ci])
				}
			}
			res, err := s.tx.ExecContext(s.ctx, writeSQL(k.meta, cols, len(part), k.insert, byRowid), args...)
			if err != nil {
				return fmt.Errorf("write %d rows of %s (first %s): %w", len(part), k.meta.table.Name, part[0].id, err)
			}
			// Every row must be written: a row that went missing would
			// lose its change without a trace.
			if n, err := res.RowsAffected(); err != nil || n != int64(len(part)) {
				return fmt.Errorf("write %d rows of %s (first %s): %d written (%v)", len(part), k.meta.table.Name, part[0].id, n, err)
			}
			for _, w := range part {
				w.d.write = 0
				w.d.exists = true
			}
		}
	}
	return nil
}

// writeSQL returns the statement writing columns cols (indexes into
// table.Columns) of n rows, whose arguments are each row's id (its rowid
// when byRowid) followed by its values: a multi-row INSERT, or an UPDATE
// joined to a VALUES list.
func writeSQL(m *tableMeta, cols []int, n int, insert, byRowid bool) string {
	var b strings.Builder
	tuple := "(?" + strings.Repeat(", ?", len(cols)) + ")"
	if insert {
		b.WriteString("INSERT INTO ")
		b.WriteString(m.table.Name)
		b.WriteString(" (id")
		for _, ci := range cols {
			b.WriteString(", ")
			b.WriteString(m.table.Columns[ci].Name)
		}
		b.WriteString(") VALUES ")
	} else {
		b.WriteString("UPDATE ")
		b.WriteString(m.table.Name)
		b.WriteString(" SET ")
		for k, ci := range cols {
			if k > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s = v.column%d", m.table.Columns[ci].Name, k+2)
		}
		b.WriteString(" FROM (VALUES ")
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	if !insert {
		b.WriteString(") AS v WHERE ")
		b.WriteString(m.table.Name)
		if byRowid {
			b.WriteString(".rowid = v.column1")
		} else {
			b.WriteString(".id = v.column1")
		}
	}
	return b.String()
}
