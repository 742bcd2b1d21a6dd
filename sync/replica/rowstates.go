package replica

import (
	"context"
	"fmt"

	"doorstep/sync/change"
)

// RowStates is RowState for many rows in one read transaction: every
// column of each row with its clock, read with one query per table and
// readRowsChunk ids for the clocks and as many for the values. Rows the
// replica does not hold are absent from the map. A pull asks it for every
// row of a page whose scope changed (the row may have just entered the
// user's scope); one read transaction a row was a sixth of the server's
// CPU under load.
func (r *Replica) RowStates(ctx context.Context, refs []change.RowRef) (map[change.RowRef]Row, error) {
	out := make(map[change.RowRef]Row, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	byTable := map[int64][]string{}
	for _, ref := range refs {
		m, ok := r.byName[ref.Table]
		if !ok {
			return nil, fmt.Errorf("row states: %s/%s: table not synced", ref.Table, ref.ID)
		}
		byTable[m.t] = append(byTable[m.t], ref.ID)
	}
	s, unlock, err := r.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("row states: %w", err)
	}
	defer unlock()
	defer s.rollback()
	var hits []changedRow
	for t, ids := range byTable {
		for start := 0; start < len(ids); start += readRowsChunk {
			if hits, err = s.rowClocks(t, ids[start:min(start+readRowsChunk, len(ids))], hits); err != nil {
				return nil, fmt.Errorf("row states: %w", err)
			}
		}
	}
	data, err := s.readRows(hits)
	if err != nil {
		return nil, fmt.Errorf("row states: %w", err)
	}
	for _, h := range hits {
		rc, err := decodeRowClock(h.clk)
		if err != nil {
			return nil, fmt.Errorf("row states: row %d/%s: %w", h.t, h.id, err)
		}
		m := s.r.meta(h.t)
		row, err := s.rowOf(m, h.id, data[rowKey{h.t, h.id}], rc, 0)
		if err != nil {
			return nil, fmt.Errorf("row states: %w", err)
		}
		row.Seq = h.seq
		out[change.RowRef{Table: m.table.Name, ID: h.id}] = row
	}
	return out, s.commit()
}

// rowClocks appends to hits the stored clock and sequence of each of ids
// (rows of table t) that sync_rows holds.
func (s *session) rowClocks(t int64, ids []string, hits []changedRow) ([]changedRow, error) {
	list, err := idList(ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.tx.QueryContext(s.ctx, `SELECT id, seq, clk FROM sync_rows
		WHERE t = ? AND id IN (SELECT value FROM json_each(?))`, t, list)
	if err != nil {
		return nil, fmt.Errorf("read row clocks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		h := changedRow{t: t}
		if err := rows.Scan(&h.id, &h.seq, &h.clk); err != nil {
			return nil, fmt.Errorf("read row clocks: %w", err)
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read row clocks: %w", err)
	}
	return hits, nil
}
