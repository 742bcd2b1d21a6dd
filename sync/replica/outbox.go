package replica

import (
	"context"
	"fmt"

	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// Outbox returns this device's own changes not yet acknowledged by the
// server, as a push batch of at most limit rows (500 when limit <= 0) plus
// any of its writes a pulled change overwrote before they were pushed.
// Held rows (see Hold) are left out.
//
// The batch id stays the same, and the batch covers the same changes (or,
// when some were since overwritten, fewer), until Ack: push it, and after a
// lost answer or a crash push Outbox() again — the server applies a batch
// id once. An empty set (no Batch) means nothing is pending.
func (r *Replica) Outbox(ctx context.Context, limit int) (*change.Set, error) {
	if limit <= 0 {
		limit = 500
	}
	r.syncMu.Lock()
	defer r.syncMu.Unlock()
	s, err := r.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	defer s.rollback()
	if err := s.flush(); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	set := &change.Set{Site: r.site}
	var upto int64
	if err := s.tx.QueryRowContext(ctx, `SELECT batch, batch_seq FROM sync_state WHERE id = 1`).Scan(&set.Batch, &upto); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	if set.Batch == "" {
		made, err := s.makeBatch(int64(limit))
		if err != nil {
			return nil, err
		}
		if !made {
			return set, s.commit()
		}
		if err := s.tx.QueryRowContext(ctx, `SELECT batch, batch_seq FROM sync_state WHERE id = 1`).Scan(&set.Batch, &upto); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
	}
	if set.Changes, err = s.lostChanges(); err != nil {
		return nil, err
	}
	batch, err := s.batchRows()
	if err != nil {
		return nil, err
	}
	for _, b := range batch {
		st, err := s.row(b.key.t, b.key.id)
		if err != nil {
			return nil, err
		}
		m := r.meta(b.key.t)
		d, err := s.readRow(m, b.key.id)
		if err != nil {
			return nil, err
		}
		for i := range st.clk {
			g := &st.clk[i]
			if g.seq < b.pend || g.seq > upto || !r.isOwn(g.w) {
				continue
			}
			wr := r.writers.get(g.w)
			for _, bit := range columns(g.mask) {
				ci := m.col[bit]
				c := change.Change{Table: m.table.Name, ID: b.key.id, Column: m.table.Columns[ci].Name, Value: d.vals[ci],
					Clock: change.Clock{HLC: hlc.Timestamp(g.hlc), Site: wr.site}, User: wr.user}
				if b, ok := g.baseOf(bit); ok {
					c.Base = change.Clock{HLC: hlc.Timestamp(b.hlc), Site: r.writers.get(b.w).site}
				}
				set.Changes = append(set.Changes, c)
			}
		}
	}
	if err := s.commit(); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return set, nil
}

// makeBatch starts a new push batch of the first limit pending rows and
// every kept overwritten write. It reports false when nothing is pending.
func (s *session) makeBatch(limit int64) (bool, error) {
	ctx := s.ctx
	res, err := s.tx.ExecContext(ctx, `INSERT INTO sync_batch (t, id, pend)
		SELECT t, id, pend FROM sync_rows r WHERE pend IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM sync_held h WHERE h.t = r.t AND h.id = r.id)
		ORDER BY pend LIMIT ?`, limit)
	if err != nil {
		return false, fmt.Errorf("outbox: %w", err)
	}
	rows, _ := res.RowsAffected()
	res, err = s.tx.ExecContext(ctx, `UPDATE sync_lost SET batch = 1
		WHERE NOT EXISTS (SELECT 1 FROM sync_held h WHERE h.t = sync_lost.t AND h.id = sync_lost.id)`)
	if err != nil {
		return false, fmt.Errorf("outbox: %w", err)
	}
	lost, _ := res.RowsAffected()
	if rows == 0 && lost == 0 {
		return false, nil
	}
	if _, err := s.tx.ExecContext(ctx, `UPDATE sync_state SET batch = ?, batch_seq = ? WHERE id = 1`, s.r.newID(), s.seq); err != nil {
		return false, fmt.Errorf("outbox: %w", err)
	}
	return true, nil
}

// batchRow is a row of the pending batch and its pend when the batch was
// made.
type batchRow struct {
	key  rowKey
	pend int64
}

// batchRows lists the pending batch's rows.
func (s *session) batchRows() ([]batchRow, error) {
	rows, err := s.tx.QueryContext(s.ctx, `SELECT t, id, pend FROM sync_batch ORDER BY pend`)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	defer rows.Close()
	var out []batchRow
	for rows.Next() {
		var b batchRow
		if err := rows.Scan(&b.key.t, &b.key.id, &b.pend); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// lostChanges returns the kept overwritten writes of the pending batch.
func (s *session) lostChanges() ([]change.Change, error) {
	rows, err := s.tx.QueryContext(s.ctx, `SELECT t, id, c, value, hlc, w, base_hlc, base_w FROM sync_lost WHERE batch = 1 ORDER BY seq, c`)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	defer rows.Close()
	var out []change.Change
	for rows.Next() {
		var t, w, bw, h, bh int64
		var bit int
		var id string
		var v any
		if err := rows.Scan(&t, &id, &bit, &v, &h, &w, &bh, &bw); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		m := s.r.meta(t)
		if m == nil {
			return nil, fmt.Errorf("outbox: lost write of unknown table %d", t)
		}
		ci, ok := m.col[bit]
		if !ok {
			return nil, fmt.Errorf("outbox: lost write of unknown column %d.%d", t, bit)
		}
		wr := s.r.writers.get(w)
		c := change.Change{Table: m.table.Name, ID: id, Column: m.table.Columns[ci].Name, Value: normalize(v),
			Clock: change.Clock{HLC: hlc.Timestamp(h), Site: wr.site}, User: wr.user}
		if bh != 0 {
			c.Base = change.Clock{HLC: hlc.Timestamp(bh), Site: s.r.writers.get(bw).site}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Ack records that the server applied batch: its changes leave the
// outbox. Acknowledging a batch that is not the pending one (already
// acknowledged, say, before a crash) does nothing.
func (r *Replica) Ack(ctx context.Context, batch string) error {
	r.syncMu.Lock()
	defer r.syncMu.Unlock()
	s, err := r.begin(ctx)
	if err != nil {
		return fmt.Errorf("ack batch %s: %w", batch, err)
	}
	defer s.rollback()
	var cur string
	var upto int64
	if err := s.tx.QueryRowContext(ctx, `SELECT batch, batch_seq FROM sync_state WHERE id = 1`).Scan(&cur, &upto); err != nil {
		return fmt.Errorf("ack batch %s: %w", batch, err)
	}
	if cur == "" || cur != batch {
		return s.commit()
	}
	rows, err := s.batchRows()
	if err != nil {
		return fmt.Errorf("ack batch %s: %w", batch, err)
	}
	for _, b := range rows {
		st, err := s.row(b.key.t, b.key.id)
		if err != nil {
			return fmt.Errorf("ack batch %s: %w", batch, err)
		}
		if st.pend != 0 {
			st.pend = r.firstPending(st, max(st.pend, upto+1))
			s.touch(st)
		}
	}
	for _, q := range []string{
		`DELETE FROM sync_lost WHERE batch = 1`,
		`DELETE FROM sync_batch`,
		`UPDATE sync_state SET batch = '', batch_seq = 0 WHERE id = 1`,
	} {
		if _, err := s.tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("ack batch %s: %w", batch, err)
		}
	}
	if err := s.commit(); err != nil {
		return fmt.Errorf("ack batch %s: %w", batch, err)
	}
	return nil
}

// PendingBatch returns the id of the batch waiting for acknowledgement, or
// "" when none.
func (r *Replica) PendingBatch(ctx context.Context) (string, error) {
	var b string
	if err := r.db.QueryRowContext(ctx, `SELECT batch FROM sync_state WHERE id = 1`).Scan(&b); err != nil {
		return "", fmt.Errorf("pending batch: %w", err)
	}
	return b, nil
}

// PullCursor returns the stored pull cursor ("" before the first pull).
func (r *Replica) PullCursor(ctx context.Context) (string, error) {
	var c string
	if err := r.db.QueryRowContext(ctx, `SELECT pull_cursor FROM sync_state WHERE id = 1`).Scan(&c); err != nil {
		return "", fmt.Errorf("pull cursor: %w", err)
	}
	return c, nil
}

// SetPullCursor replaces the stored pull cursor (e.g. with "" to pull
// everything again after the server's epoch changed).
func (r *Replica) SetPullCursor(ctx context.Context, cursor string) error {
	if _, err := r.db.ExecContext(ctx, `UPDATE sync_state SET pull_cursor = ? WHERE id = 1`, cursor); err != nil {
		return fmt.Errorf("set pull cursor: %w", err)
	}
	return nil
}
