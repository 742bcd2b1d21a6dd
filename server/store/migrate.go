package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"doorstep/schema"
	"doorstep/sync/replica"
)

// Moving a district from the embedded SQLite store to PostgreSQL.
//
// MigrateToPostgres copies, in one PostgreSQL transaction under the write
// lock: the server's site and clock; every synced row with each column's
// clock (hlc, site, user) and the row's server sequence number; and every
// server table (users and their communities and pairings, devices with
// their token hashes, enrollment codes, epochs in their order,
// acknowledged batches with their fingerprints, applied batch ids, scope
// moves, blob metadata and grants). Blob files are not copied: they stay
// in the blob directory, which the PostgreSQL servers are given (--blobs).
//
// Sequence numbers and epochs are kept, so a device's cursor from the old
// server is valid on the new one and it goes on from where it was, without
// fetching everything again; its token works, and a replay of a batch the
// old server acknowledged is answered with the same acknowledgement. A
// column's sequence number is its row's latest (SQLite keeps them per
// group of columns): a device whose cursor falls inside a row's history
// receives a few more columns of that row again, never fewer.
//
// Safe to rerun: rows are written with upserts, so a second run over the
// same source changes nothing. It refuses a target that has moved on — a
// server sequence beyond the source's, or an epoch the source does not
// have (a PostgreSQL server has run on it since) — or whose site differs
// from the source's, since copying would roll those changes back. Stop the
// SQLite server first (or migrate from a backup): what it writes during
// the copy may be missed.

// MigrateStats says what MigrateToPostgres copied.
type MigrateStats struct {
	// Rows and Cells are synced rows and their clocked columns.
	Rows, Cells int
	// Tables counts the server tables' rows by table.
	Tables map[string]int
	// MaxSeq is the highest server sequence number copied.
	MaxSeq int64
}

// migrateTables are the server tables copied, with their key columns and
// the columns to select (the PostgreSQL tables have the same names;
// server_epochs keeps SQLite's rowid, which orders epochs).
var migrateTables = []struct {
	name, keys, cols string
}{
	{"users", "id", "id, name, role, street_id, created_at"},
	{"user_communities", "user_id, community_id", "user_id, community_id"},
	{"user_pairings", "user_id, pairing_id", "user_id, pairing_id"},
	{"devices", "id", "id, user_id, site_id, name, token_hash, created_at, expires_at, revoked_at, last_seen_at, last_cursor, last_push_seq, public_key"},
	{"enroll_codes", "code_hash", "code_hash, user_id, created_at, expires_at, used_at, device_id"},
	{"server_meta", "key", "key, value"},
	{"server_epochs", "epoch", "rowid, epoch, start_seq, started_at"},
	{"push_batches", "site_id, batch_id", "site_id, batch_id, device_id, ack, received_at, digests"},
	{"sync_batches", "batch", "batch, site, applied_at"},
	{"blobs", "hash", "hash, size, device_id, created_at"},
	{"blob_refs", "hash, tbl, row_id", "hash, tbl, row_id"},
	{"blob_uploads", "hash, device_id", "hash, device_id"},
	{"blob_pending_refs", "hash, device_id, tbl, row_id", "hash, device_id, tbl, row_id"},
	{"scope_moves", "n", "n, tbl, row_id, old, after_seq"},
}

// MigrateToPostgres copies the SQLite store from into the PostgreSQL store
// to (see above).
func MigrateToPostgres(ctx context.Context, from, to *Store) (MigrateStats, error) {
	st := MigrateStats{Tables: map[string]int{}}
	pg, ok := to.eng.(*pgEngine)
	if from.rep == nil || !ok {
		return st, errors.New("migrate: from a SQLite store to a PostgreSQL store only")
	}
	var srcHLC int64
	if err := from.db.QueryRowContext(ctx, `SELECT hlc FROM sync_state WHERE id = 1`).Scan(&srcHLC); err != nil {
		return st, fmt.Errorf("migrate: read source clock: %w", err)
	}
	srcMax, err := from.MaxSeq(ctx)
	if err != nil {
		return st, fmt.Errorf("migrate: %w", err)
	}
	srcEpochs, err := from.strings(ctx, `SELECT epoch FROM server_epochs`)
	if err != nil {
		return st, fmt.Errorf("migrate: %w", err)
	}
	tx, err := pg.beginWrite(ctx)
	if err != nil {
		return st, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	// The target's site may change: whatever happens, forget the writers
	// cached under the old one.
	defer func() {
		pg.mu.Lock()
		pg.writers, pg.writerID = map[int64]writerKey{}, map[writerKey]int64{}
		pg.mu.Unlock()
	}()
	if err := checkTarget(ctx, tx, from.Site(), pg.siteID, srcMax, srcEpochs); err != nil {
		return st, err
	}
	// The copy writes clocks itself: capture off.
	if _, err := tx.ExecContext(ctx, `SELECT set_config('doorstep.applying', '1', true)`); err != nil {
		return st, fmt.Errorf("migrate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET site = ?, hlc = CASE WHEN hlc < ? THEN ? ELSE hlc END WHERE id = 1`,
		from.Site(), srcHLC, srcHLC); err != nil {
		return st, fmt.Errorf("migrate: server site: %w", err)
	}
	for _, t := range migrateTables {
		n, err := copyTable(ctx, from.db, tx, t.name, t.keys, t.cols)
		if err != nil {
			return st, fmt.Errorf("migrate: %s: %w", t.name, err)
		}
		st.Tables[t.name] = n
	}
	for _, q := range []string{
		`SELECT setval(pg_get_serial_sequence('server_epochs', 'rowid'), (SELECT coalesce(max(rowid), 0) + 1 FROM server_epochs), false)`,
		`SELECT setval(pg_get_serial_sequence('scope_moves', 'n'), (SELECT coalesce(max(n), 0) + 1 FROM scope_moves), false)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return st, fmt.Errorf("migrate: %w", err)
		}
	}
	if err := copyRows(ctx, from.rep, pg, tx, &st); err != nil {
		return st, fmt.Errorf("migrate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT setval('sync_seq', ?, true)`, max(srcMax, 1)); err != nil {
		return st, fmt.Errorf("migrate: sequence: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return st, fmt.Errorf("migrate: commit: %w", err)
	}
	// The target's site changed under the open store: later writes through
	// it must use the source's.
	pg.siteID = from.Site()
	// A bulk load: statistics, so that the first requests are planned for
	// the district copied, not for an empty database.
	if err := to.Analyze(ctx); err != nil {
		return st, fmt.Errorf("migrate: %w", err)
	}
	return st, nil
}

// checkTarget refuses a target that is not empty or an earlier copy of the
// source.
func checkTarget(ctx context.Context, tx *sql.Tx, srcSite, dstSite string, srcMax int64, srcEpochs []string) error {
	var dstMax int64
	var rows int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0), count(*) FROM sync_rows`).Scan(&dstMax, &rows); err != nil {
		return fmt.Errorf("migrate: read target: %w", err)
	}
	if rows > 0 && dstSite != srcSite {
		return fmt.Errorf("migrate: the target holds another server's data (site %s, not %s)", dstSite, srcSite)
	}
	if dstMax > srcMax {
		return fmt.Errorf("migrate: the target is ahead of the source (sequence %d > %d): a server has run on it since; copying again would roll its changes back", dstMax, srcMax)
	}
	q, err := tx.QueryContext(ctx, `SELECT epoch FROM server_epochs`)
	if err != nil {
		return fmt.Errorf("migrate: read target epochs: %w", err)
	}
	defer q.Close()
	known := map[string]bool{}
	for _, e := range srcEpochs {
		known[e] = true
	}
	for q.Next() {
		var e string
		if err := q.Scan(&e); err != nil {
			return fmt.Errorf("migrate: read target epochs: %w", err)
		}
		if !known[e] {
			return fmt.Errorf("migrate: the target has epoch %s, which the source has not: a server has run on it since; copying again would roll its changes back", e)
		}
	}
	return q.Err()
}

// copyTable upserts every row of a server table.
func copyTable(ctx context.Context, src *sql.DB, tx *sql.Tx, table, keys, cols string) (int, error) {
	rows, err := src.QueryContext(ctx, `SELECT `+cols+` FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	names := strings.Split(cols, ", ")
	isKey := map[string]bool{}
	for _, k := range strings.Split(keys, ", ") {
		isKey[k] = true
	}
	var set []string
	for _, c := range names {
		if !isKey[c] {
			set = append(set, c+" = excluded."+c)
		}
	}
	conflict := "DO NOTHING"
	if len(set) > 0 {
		conflict = "DO UPDATE SET " + strings.Join(set, ", ")
	}
	q := fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) %s`, table, cols, placeholders(len(names)), keys, conflict)
	n := 0
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if _, err := tx.ExecContext(ctx, q, vals...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// copyRows copies every synced row, its values and clocks, page by page
// from the source replica.
func copyRows(ctx context.Context, rep *replica.Replica, pg *pgEngine, tx *sql.Tx, st *MigrateStats) error {
	cur := replica.Cursor{}
	writers := map[writerKey]int64{}
	for {
		page, err := rep.Changes(ctx, cur, 1000)
		if err != nil {
			return err
		}
		for _, r := range page.Rows {
			t, ok := schema.Reg.Table(r.Table)
			if !ok || len(r.Changes) == 0 {
				continue
			}
			row := &pgRow{t: t, id: r.ID, vals: map[string]any{}, cells: map[string]pgCell{}}
			var cols []string
			for _, c := range r.Changes {
				k := writerKey{c.Clock.Site, c.User}
				w, ok := writers[k]
				if !ok {
					if w, err = pg.writer(ctx, tx, k); err != nil {
						return err
					}
					writers[k] = w
				}
				row.vals[c.Column] = c.Value
				row.cells[c.Column] = pgCell{hlc: int64(c.Clock.HLC), w: w}
				cols = append(cols, c.Column)
			}
			if err := writeRowAt(ctx, tx, row, cols, r.Seq); err != nil {
				return err
			}
			st.Rows++
			st.Cells += len(cols)
			st.MaxSeq = max(st.MaxSeq, r.Seq)
		}
		if page.Done {
			return nil
		}
		cur = page.Next
	}
}
