package store

import (
	"fmt"
	"strconv"
	"strings"

	"doorstep/schema"
)

// A row's cell clocks on PostgreSQL live in its sync_rows row, beside its
// sequence number, as four parallel arrays: cols (the columns that have a
// clock, in registry order), hlcs, ws (writers) and seqs (the sequence
// number of the change that wrote the cell). Reading a row's clocks is then
// one index probe and one heap tuple, and writing them is part of the one
// upsert of the row's listing. (They were one sync_cells row a cell until
// server schema version 4: a pull page read about thirteen index entries
// and heap tuples a row for them, and a push wrote a row a cell.)
//
// The arrays travel as PostgreSQL's text form ("{a,b}", "{1,2}"), which
// pgx's database/sql driver returns for array columns and which a
// "::text[]" or "::bigint[]" cast reads back; a column name is a plain
// identifier ([a-z][a-z0-9_]*, schema.validIdent), so it needs no escaping
// beyond the quotes that keep a name such as "null" a string.

// pgCells is a row's clocks as sync_rows stores them.
type pgCells struct {
	cols, hlcs, ws, seqs string
}

// encode lists the clocks of cells in t's column order.
func encodeCells(t *schema.Table, cells map[string]pgCell) pgCells {
	var cols, hlcs, ws, seqs strings.Builder
	for _, b := range []*strings.Builder{&cols, &hlcs, &ws, &seqs} {
		b.WriteByte('{')
	}
	n := 0
	for _, col := range t.Columns {
		c, ok := cells[col.Name]
		if !ok {
			continue
		}
		if n > 0 {
			for _, b := range []*strings.Builder{&cols, &hlcs, &ws, &seqs} {
				b.WriteByte(',')
			}
		}
		n++
		cols.WriteByte('"')
		cols.WriteString(col.Name)
		cols.WriteByte('"')
		hlcs.WriteString(strconv.FormatInt(c.hlc, 10))
		ws.WriteString(strconv.FormatInt(c.w, 10))
		seqs.WriteString(strconv.FormatInt(c.seq, 10))
	}
	for _, b := range []*strings.Builder{&cols, &hlcs, &ws, &seqs} {
		b.WriteByte('}')
	}
	return pgCells{cols.String(), hlcs.String(), ws.String(), seqs.String()}
}

// decode reads the clocks of a sync_rows row.
func (p pgCells) decode() (map[string]pgCell, error) {
	cols := arrayElems(p.cols)
	hlcs, err := int64Elems(p.hlcs)
	if err != nil {
		return nil, fmt.Errorf("cell clocks: %w", err)
	}
	ws, err := int64Elems(p.ws)
	if err != nil {
		return nil, fmt.Errorf("cell writers: %w", err)
	}
	seqs, err := int64Elems(p.seqs)
	if err != nil {
		return nil, fmt.Errorf("cell sequence numbers: %w", err)
	}
	if len(hlcs) != len(cols) || len(ws) != len(cols) || len(seqs) != len(cols) {
		return nil, fmt.Errorf("cells: %d columns, %d clocks, %d writers, %d sequence numbers", len(cols), len(hlcs), len(ws), len(seqs))
	}
	out := make(map[string]pgCell, len(cols))
	for i, c := range cols {
		out[c] = pgCell{hlc: hlcs[i], w: ws[i], seq: seqs[i]}
	}
	return out, nil
}

// arrayElems splits the text form of a one-dimensional array whose
// elements need no escaping: "{a,"b"}" is [a b], "{}" is none.
func arrayElems(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if s == "" {
		return nil
	}
	out := strings.Split(s, ",")
	for i, e := range out {
		out[i] = strings.Trim(e, `"`)
	}
	return out
}

// int64Elems reads the text form of a bigint array.
func int64Elems(s string) ([]int64, error) {
	elems := arrayElems(s)
	out := make([]int64, len(elems))
	for i, e := range elems {
		n, err := strconv.ParseInt(e, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("array %.40q: %w", s, err)
		}
		out[i] = n
	}
	return out, nil
}
