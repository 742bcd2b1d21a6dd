package replica

import (
	"context"
	"fmt"
	"time"
)

// RowRef names one row of a synced table.
type RowRef struct {
	Table string
	ID    string
}

// HeldRow is a row whose unpushed writes the server refused: they stay on
// the device, out of push batches, until released.
type HeldRow struct {
	RowRef
	// Code and Reason are the server's refusal (e.g. "forbidden_scope").
	Code   string
	Reason string
	// At is when the row was held.
	At time.Time
}

// Hold puts rows of the pending push batch aside after the server refused
// the batch because of them (a row outside the user's scope, a table their
// role may not write): their unacknowledged writes are kept, never
// deleted, but left out of push batches until Release. The pending batch
// is dropped — the server stored none of it — so the next Outbox forms a
// new batch from the remaining changes. Rows not in the batch are ignored.
// It returns how many rows of the batch were held; with none, the batch
// stays as it was. Holding for a batch that is not the pending one does
// nothing.
func (r *Replica) Hold(ctx context.Context, batch string, rows []RowRef, code, reason string) (int, error) {
	r.syncMu.Lock()
	defer r.syncMu.Unlock()
	s, err := r.begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("hold rows of batch %s: %w", batch, err)
	}
	defer s.rollback()
	var cur string
	if err := s.tx.QueryRowContext(ctx, `SELECT batch FROM sync_state WHERE id = 1`).Scan(&cur); err != nil {
		return 0, fmt.Errorf("hold rows of batch %s: %w", batch, err)
	}
	if cur == "" || cur != batch {
		return 0, s.commit()
	}
	at := r.now().UTC().Format(time.RFC3339)
	held := 0
	for _, row := range rows {
		m, ok := r.byName[row.Table]
		if !ok {
			continue
		}
		// A row is in the batch when its changes or its kept overwritten
		// writes are.
		res, err := s.tx.ExecContext(ctx, `INSERT OR REPLACE INTO sync_held(t, id, code, reason, held_at)
			SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sync_batch WHERE t = ? AND id = ?)
				OR EXISTS (SELECT 1 FROM sync_lost WHERE t = ? AND id = ? AND batch = 1)`,
			m.t, row.ID, code, reason, at, m.t, row.ID, m.t, row.ID)
		if err != nil {
			return 0, fmt.Errorf("hold %s/%s: %w", row.Table, row.ID, err)
		}
		n, _ := res.RowsAffected()
		held += int(n)
	}
	if held == 0 {
		return 0, s.commit()
	}
	for _, q := range []string{
		`UPDATE sync_lost SET batch = 0`,
		`DELETE FROM sync_batch`,
		`UPDATE sync_state SET batch = '', batch_seq = 0 WHERE id = 1`,
	} {
		if _, err := s.tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("hold rows of batch %s: %w", batch, err)
		}
	}
	if err := s.commit(); err != nil {
		return 0, fmt.Errorf("hold rows of batch %s: %w", batch, err)
	}
	return held, nil
}

// Held lists the held rows, oldest first.
func (r *Replica) Held(ctx context.Context) ([]HeldRow, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT t, id, code, reason, held_at FROM sync_held ORDER BY held_at, t, id`)
	if err != nil {
		return nil, fmt.Errorf("held rows: %w", err)
	}
	defer rows.Close()
	var out []HeldRow
	for rows.Next() {
		var t int64
		var h HeldRow
		var at string
		if err := rows.Scan(&t, &h.ID, &h.Code, &h.Reason, &at); err != nil {
			return nil, fmt.Errorf("held rows: %w", err)
		}
		m := r.meta(t)
		if m == nil {
			return nil, fmt.Errorf("held rows: unknown table %d", t)
		}
		h.Table = m.table.Name
		if h.At, err = time.Parse(time.RFC3339, at); err != nil {
			return nil, fmt.Errorf("held rows: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Release puts held rows back into the outbox (all of them when rows is
// empty), so the next push sends their writes again — after an
// administrator restored the user's scope, say. It returns how many rows
// were released.
func (r *Replica) Release(ctx context.Context, rows ...RowRef) (int, error) {
	r.syncMu.Lock()
	defer r.syncMu.Unlock()
	if len(rows) == 0 {
		res, err := r.db.ExecContext(ctx, `DELETE FROM sync_held`)
		if err != nil {
			return 0, fmt.Errorf("release held rows: %w", err)
		}
		n, _ := res.RowsAffected()
		return int(n), nil
	}
	n := 0
	for _, row := range rows {
		m, ok := r.byName[row.Table]
		if !ok {
			return n, fmt.Errorf("release %s/%s: unknown table", row.Table, row.ID)
		}
		res, err := r.db.ExecContext(ctx, `DELETE FROM sync_held WHERE t = ? AND id = ?`, m.t, row.ID)
		if err != nil {
			return n, fmt.Errorf("release %s/%s: %w", row.Table, row.ID, err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}
