package replica

import (
	"context"
	"fmt"
	"strings"
)

// Stats is how much space a replica's data and sync metadata take.
type Stats struct {
	// DataBytes: the synced tables and their indexes.
	DataBytes int64
	// MetaBytes: the sync engine's tables (sync_*) and indexes, including
	// the index it adds to the conflicts table.
	MetaBytes int64
	// DataPayload and MetaPayload count only the bytes of stored records,
	// without page overhead and free space.
	DataPayload, MetaPayload int64
}

// Ratio returns MetaBytes ÷ DataBytes.
func (s Stats) Ratio() float64 {
	if s.DataBytes == 0 {
		return 0
	}
	return float64(s.MetaBytes) / float64(s.DataBytes)
}

// Stats folds pending captures and measures the database with SQLite's
// dbstat table: pages in use per table and index.
func (r *Replica) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	if err := r.foldLog(ctx); err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	rows, err := r.db.QueryContext(ctx, `SELECT m.tbl_name, m.name, sum(d.pgsize), sum(d.payload)
		FROM dbstat d JOIN sqlite_schema m ON m.name = d.name GROUP BY m.name`)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tbl, name string
		var size, payload int64
		if err := rows.Scan(&tbl, &name, &size, &payload); err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
		switch {
		case strings.HasPrefix(tbl, "sync_") || name == "conflicts_open":
			st.MetaBytes += size
			st.MetaPayload += payload
		case r.byName[tbl] != nil:
			st.DataBytes += size
			st.DataPayload += payload
		}
	}
	return st, rows.Err()
}
