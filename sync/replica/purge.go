package replica

import (
	"context"
	"fmt"

	"doorstep/sync/change"
)

// Purging drops synced rows from a device without capturing anything: the
// rows left the user's scope (the server said so), so they must leave the
// device, and the server must not hear of it as a delete. A row holding
// this device's own writes not yet acknowledged by the server — pending in
// the outbox, in the batch waiting for acknowledgement, or kept after a
// pulled change overwrote it — is never purged: nothing typed is lost. It
// stays until pushed, and a later purge takes it.

// Purge drops every synced row (data and sync metadata) except those with
// unacknowledged local writes, and returns how many rows it dropped. A
// device calls it when its user's scope changed and everything it may see
// is about to be fetched again (see ApplyOptions.PurgeAll, which does the
// same in the transaction that applies the first page).
func (r *Replica) Purge(ctx context.Context) (int, error) {
	return r.purge(ctx, nil, true)
}

// PurgeRows drops the given rows (data and sync metadata) except those with
// unacknowledged local writes, and returns how many it dropped. Unknown
// rows are skipped.
func (r *Replica) PurgeRows(ctx context.Context, rows []change.RowRef) (int, error) {
	return r.purge(ctx, rows, false)
}

func (r *Replica) purge(ctx context.Context, rows []change.RowRef, all bool) (int, error) {
	if r.target != "device" {
		return 0, fmt.Errorf("purge: only a device replica drops rows")
	}
	for _, g := range rows {
		if _, ok := r.byName[g.Table]; !ok {
			return 0, fmt.Errorf("purge %s/%s: table not synced", g.Table, g.ID)
		}
	}
	r.syncMu.Lock()
	defer r.syncMu.Unlock()
	s, err := r.begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge: %w", err)
	}
	defer s.rollback()
	var n int
	if all {
		n, err = s.purgeAll()
	} else {
		n, err = s.purgeRows(rows)
	}
	if err != nil {
		return 0, err
	}
	if err := s.commit(); err != nil {
		return 0, fmt.Errorf("purge: %w", err)
	}
	return n, nil
}

// keptIDs selects the ids of table number ?1 that a purge keeps.
const keptIDs = `SELECT id FROM sync_rows WHERE t = ?1 AND pend IS NOT NULL
	UNION SELECT id FROM sync_lost WHERE t = ?1
	UNION SELECT id FROM sync_batch WHERE t = ?1`

// purgeAll drops every row without unacknowledged local writes.
func (s *session) purgeAll() (int, error) {
	if err := s.startPurge(); err != nil {
		return 0, err
	}
	s.r.applying.Store(true)
	defer s.r.applying.Store(false)
	n := 0
	for _, m := range s.r.tables {
		if m == nil {
			continue
		}
		res, err := s.tx.ExecContext(s.ctx, `DELETE FROM `+m.table.Name+` WHERE id NOT IN (`+keptIDs+`)`, m.t)
		if err != nil {
			return 0, fmt.Errorf("purge %s: %w", m.table.Name, err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
		if _, err := s.tx.ExecContext(s.ctx, `DELETE FROM sync_rows WHERE t = ?1 AND id NOT IN (`+keptIDs+`)`, m.t); err != nil {
			return 0, fmt.Errorf("purge %s: %w", m.table.Name, err)
		}
	}
	s.rows = map[rowKey]*rowState{}
	return n, nil
}

// purgeRows drops the listed rows that hold no unacknowledged local writes.
func (s *session) purgeRows(rows []change.RowRef) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	if err := s.startPurge(); err != nil {
		return 0, err
	}
	s.r.applying.Store(true)
	defer s.r.applying.Store(false)
	n := 0
	for _, g := range rows {
		m := s.r.byName[g.Table]
		var kept bool
		if err := s.tx.QueryRowContext(s.ctx, `SELECT EXISTS (SELECT 1 FROM (`+keptIDs+`) WHERE id = ?2)`, m.t, g.ID).Scan(&kept); err != nil {
			return 0, fmt.Errorf("purge %s/%s: %w", g.Table, g.ID, err)
		}
		if kept {
			continue
		}
		res, err := s.tx.ExecContext(s.ctx, `DELETE FROM `+m.table.Name+` WHERE id = ?`, g.ID)
		if err != nil {
			return 0, fmt.Errorf("purge %s/%s: %w", g.Table, g.ID, err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
		if _, err := s.tx.ExecContext(s.ctx, `DELETE FROM sync_rows WHERE t = ? AND id = ?`, m.t, g.ID); err != nil {
			return 0, fmt.Errorf("purge %s/%s: %w", g.Table, g.ID, err)
		}
		delete(s.rows, rowKey{m.t, g.ID})
	}
	return n, nil
}

// startPurge writes back the row clocks the session changed (so the
// pending markers a purge consults are stored) and keeps the highest
// sequence number handed out, which may belong to a row about to go. It
// takes a fresh number for that, so every purge moves seq_floor (which
// ChangedRows watches: purged rows leave no other trace).
func (s *session) startPurge() error {
	if err := s.flush(); err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	if _, err := s.tx.ExecContext(s.ctx, `UPDATE sync_state SET seq_floor = max(seq_floor, ?) WHERE id = 1`, s.nextSeq()); err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	return nil
}
