package replica

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"doorstep/sync/change"
)

// Mark is a point in a replica database's history of row changes. Code
// that keeps something derived from the synced tables — the app's
// household search index — remembers the Mark its copy was made at and
// asks ChangedRows what changed since. The zero Mark is "never": it asks
// for a rebuild.
type Mark struct {
	seq   int64 // highest local sequence number of a row clock
	floor int64 // sync_state.seq_floor: moves at every purge
	// The newest capture log entry (0 when the log was empty) and its
	// clock: if that entry is still there, the log was not folded since,
	// and only entries after it are new.
	logSeq, logHLC int64
	set            bool // read from a database (the zero Mark is not)
}

// ChangedRows lists the rows of tables (every synced table when none are
// given) that were written after mark — by local writes through DB(),
// whether or not the capture log has been folded yet, and by Apply — and
// returns the Mark to pass next time. full is true when the list cannot be
// trusted to be complete, so the caller must rebuild from scratch: the zero
// mark, or a purge since mark (purged rows leave no trace). A row may be
// listed although it did not change; deleted rows (deleted = 1) are listed
// like any edit.
//
// db is a replica's DB() (or another handle on the same file); it is read
// in one read transaction, so the list and the next Mark agree.
func ChangedRows(ctx context.Context, db *sql.DB, mark Mark, tables ...string) (rows []change.RowRef, next Mark, full bool, err error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, Mark{}, false, fmt.Errorf("changed rows: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT max(seq) FROM sync_rows), 0),
		(SELECT seq_floor FROM sync_state WHERE id = 1),
		coalesce((SELECT seq FROM sync_log ORDER BY seq DESC LIMIT 1), 0),
		coalesce((SELECT hlc FROM sync_log ORDER BY seq DESC LIMIT 1), 0)`).Scan(&next.seq, &next.floor, &next.logSeq, &next.logHLC); err != nil {
		return nil, Mark{}, false, fmt.Errorf("changed rows: %w", err)
	}
	next.set = true
	if !mark.set || next.floor != mark.floor {
		return nil, next, true, nil
	}
	// Log entries after mark's newest one are new; if that entry is gone,
	// the log was folded since (its entries are in sync_rows now, after
	// mark.seq) and every entry in it is new.
	logAfter := int64(0)
	if mark.logSeq != 0 {
		var h sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT hlc FROM sync_log WHERE seq = ?`, mark.logSeq).Scan(&h)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, Mark{}, false, fmt.Errorf("changed rows: %w", err)
		}
		if h.Valid && h.Int64 == mark.logHLC {
			logAfter = mark.logSeq
		}
	}
	filter, args := "", []any{mark.seq}
	if len(tables) > 0 {
		filter = ` AND t.name IN (?` + strings.Repeat(", ?", len(tables)-1) + `)`
		for _, name := range tables {
			args = append(args, name)
		}
	}
	args = append(append(args, logAfter), args[1:]...)
	q := `SELECT t.name, r.id FROM sync_rows r JOIN sync_tables t ON t.t = r.t WHERE r.seq > ?` + filter + `
		UNION SELECT t.name, l.id FROM sync_log l JOIN sync_tables t ON t.t = l.t WHERE l.seq > ?` + filter
	res, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, Mark{}, false, fmt.Errorf("changed rows: %w", err)
	}
	defer res.Close()
	for res.Next() {
		var r change.RowRef
		if err := res.Scan(&r.Table, &r.ID); err != nil {
			return nil, Mark{}, false, fmt.Errorf("changed rows: %w", err)
		}
		rows = append(rows, r)
	}
	if err := res.Err(); err != nil {
		return nil, Mark{}, false, fmt.Errorf("changed rows: %w", err)
	}
	return rows, next, false, nil
}
