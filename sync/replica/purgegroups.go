package replica

import (
	"context"
	"fmt"

	"doorstep/sync/change"
)

// PurgeGroups drops groups of rows (data and sync metadata), each group
// whole or not at all: a group any row of which holds unacknowledged local
// writes (see Purge) is kept entirely, so a case is never left on the
// device in part. It returns how many rows it dropped and how many groups
// it kept. Unknown rows are skipped. Device replicas only.
func (r *Replica) PurgeGroups(ctx context.Context, groups [][]change.RowRef) (purged, kept int, err error) {
	if r.target != "device" {
		return 0, 0, fmt.Errorf("purge: only a device replica drops rows")
	}
	for _, g := range groups {
		for _, row := range g {
			if _, ok := r.byName[row.Table]; !ok {
				return 0, 0, fmt.Errorf("purge %s/%s: table not synced", row.Table, row.ID)
			}
		}
	}
	r.syncMu.Lock()
	defer r.syncMu.Unlock()
	s, err := r.begin(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("purge: %w", err)
	}
	defer s.rollback()
	var drop []change.RowRef
	for _, g := range groups {
		held := false
		for _, row := range g {
			m := r.byName[row.Table]
			if err := s.tx.QueryRowContext(s.ctx, `SELECT EXISTS (SELECT 1 FROM (`+keptIDs+`) WHERE id = ?2)`,
				m.t, row.ID).Scan(&held); err != nil {
				return 0, 0, fmt.Errorf("purge %s/%s: %w", row.Table, row.ID, err)
			}
			if held {
				break
			}
		}
		if held {
			kept++
			continue
		}
		drop = append(drop, g...)
	}
	if purged, err = s.purgeRows(drop); err != nil {
		return 0, 0, err
	}
	if err := s.commit(); err != nil {
		return 0, 0, fmt.Errorf("purge: %w", err)
	}
	return purged, kept, nil
}
