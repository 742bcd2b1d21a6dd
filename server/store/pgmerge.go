package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
	"doorstep/sync/replica"
	"doorstep/sync/wire"
)

// The PostgreSQL merge follows sync/replica's (apply.go and conflicts.go
// there), rule for rule: per column, the greater (hlc, site) wins; an
// equal clock is the same write; a change whose base is not the column's
// clock, from another site, with another value, is a concurrent edit and
// leaves a conflict record (same deterministic id, replica.ConflictID); a
// later change based on the winner resolves it. The conformance suite
// holds both engines to the same results.

// pgCell is one cell's clock, and the sequence number of the change that
// wrote it.
type pgCell struct {
	hlc int64
	w   int64
	seq int64
}

// pgRow is one row's state during a merge.
type pgRow struct {
	t      *schema.Table
	id     string
	exists bool
	vals   map[string]any
	cells  map[string]pgCell
	// seq is the row's sequence number when it was read (0: not listed).
	seq int64
}

// listed is a column's value as sync_rows keeps it (text; "" for none).
func (r *pgRow) listed(col string) string {
	switch {
	case col == "":
		return ""
	case col == "id":
		return r.id
	}
	switch v := normalize(r.vals[col]).(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// loadRows reads the stored clocks, sequence numbers and values of the
// given rows of t, in that order: read outside the write lock (see apply),
// a write committing between the two reads changes a row's sequence
// number after it was read, which apply's check under the lock sees.
func loadRows(ctx context.Context, q querier, t *schema.Table, ids []string) (map[string]*pgRow, error) {
	out := make(map[string]*pgRow, len(ids))
	for _, id := range ids {
		out[id] = &pgRow{t: t, id: id, vals: map[string]any{}, cells: map[string]pgCell{}}
	}
	rows, err := q.QueryContext(ctx, `SELECT id, seq, cols::text, hlcs::text, ws::text, seqs::text FROM sync_rows WHERE t = ? AND id = ANY(?)`, t.Name, ids)
	if err != nil {
		return nil, fmt.Errorf("clocks of %s: %w", t.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var seq int64
		var p pgCells
		if err := rows.Scan(&id, &seq, &p.cols, &p.hlcs, &p.ws, &p.seqs); err != nil {
			return nil, fmt.Errorf("clocks of %s: %w", t.Name, err)
		}
		if r := out[id]; r != nil {
			r.seq = seq
			if r.cells, err = p.decode(); err != nil {
				return nil, fmt.Errorf("clocks of %s/%s: %w", t.Name, id, err)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clocks of %s: %w", t.Name, err)
	}
	vals, err := rowValues(ctx, q, t, ids, t.ColumnNames())
	if err != nil {
		return nil, err
	}
	for id, v := range vals {
		out[id].exists, out[id].vals = true, v
	}
	return out, nil
}

// pgConflict is a concurrent edit found by the merge.
type pgConflict struct {
	row           *pgRow
	col           string
	winner, loser pgSide
}

type pgSide struct {
	clock change.Clock
	user  string
	value any
}

// pgResolve marks open conflicts on a column resolved.
type pgResolve struct {
	t, id, col string
	winner     change.Clock
	by         string
}

func (e *pgEngine) apply(ctx context.Context, set *change.Set, inTx func(tx *sql.Tx, res replica.Result) error) (replica.Result, error) {
	var res replica.Result
	fail := func(err error) (replica.Result, error) {
		return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
	}
	if err := wire.Validate(set, schema.Reg); err != nil {
		return fail(err)
	}
	if len(set.Gone) > 0 {
		return fail(fmt.Errorf("only a device replica drops rows"))
	}
	for _, c := range set.Changes {
		if err := e.clock.Check(c.Clock.HLC); err != nil {
			return fail(fmt.Errorf("change %s: %w", c, err))
		}
	}
	// Read what the merge needs before taking the write lock, outside any
	// transaction (so that nothing is held while waiting for the lock),
	// then, holding it, check in one statement that none of it changed.
	if dup, err := batchApplied(ctx, e.db, set.Batch); err != nil {
		return fail(err)
	} else if dup {
		res.Duplicate, res.Ignored = true, len(set.Changes)
		return res, nil
	}
	ws := map[writerKey]int64{}
	var newWriters []writerKey
	for _, c := range set.Changes {
		k := writerKey{c.Clock.Site, c.User}
		if _, ok := ws[k]; ok {
			continue
		}
		w, found, err := e.lookupWriter(ctx, e.db, k)
		if err != nil {
			return fail(err)
		}
		ws[k] = w
		if !found {
			newWriters = append(newWriters, k)
		}
	}
	state, err := e.loadSet(ctx, e.db, set)
	if err != nil {
		return fail(err)
	}
	if e.beforeLock != nil {
		e.beforeLock()
	}
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := e.lock(ctx, tx, "1"); err != nil {
		return fail(err)
	}
	dup, same, err := unchanged(ctx, tx, set.Batch, state)
	if err != nil {
		return fail(err)
	}
	if dup {
		res.Duplicate, res.Ignored = true, len(set.Changes)
		return res, nil
	}
	if !same {
		// A write to one of the rows committed since they were read: read
		// them again, now that no write can come between.
		if state, err = e.loadSet(ctx, tx, set); err != nil {
			return fail(err)
		}
	}
	for _, k := range newWriters {
		if ws[k], err = e.writer(ctx, tx, k); err != nil {
			return fail(err)
		}
	}
	var conflicts []pgConflict
	var resolves []pgResolve
	var writes []pgWrite
	at := map[*pgRow]int{} // index in writes
	run := 0               // runs of changes to one row, counted
	for i := 0; i < len(set.Changes); {
		j := i + 1
		for j < len(set.Changes) && set.Changes[j].Table == set.Changes[i].Table && set.Changes[j].ID == set.Changes[i].ID {
			j++
		}
		r := state[set.Changes[i].Table+"\x00"+set.Changes[i].ID]
		for _, c := range set.Changes[i:j] {
			cur, has := r.cells[c.Column]
			var curClock change.Clock
			var curUser string
			if has {
				k, err := e.writerOf(ctx, tx, cur.w)
				if err != nil {
					return fail(err)
				}
				curClock, curUser = change.Clock{HLC: hlc.Timestamp(cur.hlc), Site: k.site}, k.user
			}
			cmp := c.Clock.Compare(curClock)
			if has && cmp == 0 {
				res.Ignored++
				continue
			}
			concurrent := has && c.Base != curClock && c.Clock.Site != curClock.Site &&
				!change.EqualValues(c.Value, normalize(r.vals[c.Column])) && detectableTable(r.t)
			if cmp < 0 {
				if concurrent {
					conflicts = append(conflicts, pgConflict{row: r, col: c.Column,
						winner: pgSide{curClock, curUser, normalize(r.vals[c.Column])}, loser: pgSide{c.Clock, c.User, c.Value}})
				}
				res.Ignored++
				continue
			}
			if concurrent {
				conflicts = append(conflicts, pgConflict{row: r, col: c.Column,
					winner: pgSide{c.Clock, c.User, c.Value}, loser: pgSide{curClock, curUser, normalize(r.vals[c.Column])}})
			} else if has && c.Base == curClock {
				resolves = append(resolves, pgResolve{t: r.t.Name, id: r.id, col: c.Column, winner: curClock, by: c.User})
			}
			r.cells[c.Column] = pgCell{hlc: int64(c.Clock.HLC), w: ws[writerKey{c.Clock.Site, c.User}]}
			r.vals[c.Column] = c.Value
			k, ok := at[r]
			if !ok {
				k = len(writes)
				at[r] = k
				writes = append(writes, pgWrite{r: r})
			}
			writes[k].run = run
			if !containsString(writes[k].cols, c.Column) {
				writes[k].cols = append(writes[k].cols, c.Column)
			}
			res.Applied++
		}
		i = j
		run++
	}
	// A row's sequence number is that of its last run of changes, as when
	// each run is written in turn (sync/replica).
	slices.SortStableFunc(writes, func(a, b pgWrite) int { return a.run - b.run })
	if err := writeAll(ctx, tx, writes); err != nil {
		return fail(err)
	}
	for _, c := range set.Changes {
		if err := e.clock.Update(c.Clock.HLC); err != nil {
			return fail(err)
		}
	}
	if len(conflicts) > 0 || len(resolves) > 0 {
		// Conflict records are the server's own writes: captured, by the
		// system user.
		w, err := e.writer(ctx, tx, writerKey{e.siteID, ""})
		if err != nil {
			return fail(err)
		}
		if err := capture(ctx, tx, e.clock.Now(), w); err != nil {
			return fail(err)
		}
		if err := e.record(ctx, tx, conflicts, resolves, &res); err != nil {
			return fail(err)
		}
	}
	if err := e.saveClock(ctx, tx); err != nil {
		return fail(err)
	}
	if set.Batch != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_batches (batch, site, applied_at) VALUES (?, ?, ?)`,
			set.Batch, set.Site, e.now().UTC().Format(time.RFC3339)); err != nil {
			return fail(err)
		}
	}
	if inTx != nil {
		if err := inTx(tx, res); err != nil {
			return fail(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return res, nil
}

// loadSet reads the state of every row a changeset touches, one query per
// table for values and one for clocks, keyed "table\x00id".
func (e *pgEngine) loadSet(ctx context.Context, q querier, set *change.Set) (map[string]*pgRow, error) {
	ids := map[string][]string{}
	seen := map[string]bool{}
	var order []string
	for _, c := range set.Changes {
		k := c.Table + "\x00" + c.ID
		if seen[k] {
			continue
		}
		seen[k] = true
		if ids[c.Table] == nil {
			order = append(order, c.Table)
		}
		ids[c.Table] = append(ids[c.Table], c.ID)
	}
	out := make(map[string]*pgRow, len(seen))
	for _, name := range order {
		t, _ := schema.Reg.Table(name) // validated
		rows, err := loadRows(ctx, q, t, ids[name])
		if err != nil {
			return nil, err
		}
		for id, r := range rows {
			out[name+"\x00"+id] = r
		}
	}
	return out, nil
}

// writeData upserts a row's columns cols.
func writeData(ctx context.Context, tx *sql.Tx, r *pgRow, cols []string) error {
	args := []any{r.id}
	set := make([]string, len(cols))
	for i, c := range cols {
		args = append(args, r.vals[c])
		set[i] = c + " = excluded." + c
	}
	q := fmt.Sprintf(`INSERT INTO %s (id, %s) VALUES (?%s) ON CONFLICT (id) DO UPDATE SET %s`,
		r.t.Name, strings.Join(cols, ", "), strings.Repeat(", ?", len(cols)), strings.Join(set, ", "))
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("write %s/%s: %w", r.t.Name, r.id, err)
	}
	return nil
}

// writeRowAt writes a row's columns cols, their clocks and sequence number
// seq (MigrateToPostgres keeps the source's numbers).
func writeRowAt(ctx context.Context, tx *sql.Tx, r *pgRow, cols []string, seq int64) error {
	if err := writeData(ctx, tx, r, cols); err != nil {
		return err
	}
	return writeClocks(ctx, tx, r, cols, seq)
}

// writeClocks writes the clocks of a row's columns cols at sequence seq,
// and the row's listing.
func writeClocks(ctx context.Context, tx *sql.Tx, r *pgRow, cols []string, seq int64) error {
	for _, c := range cols {
		cell := r.cells[c]
		cell.seq = seq
		r.cells[c] = cell
	}
	return listRows(ctx, tx, []*pgRow{r}, []int64{seq})
}

// record writes conflict records and resolutions (see replica's
// conflicts.go), captured as the server's own writes.
func (e *pgEngine) record(ctx context.Context, tx *sql.Tx, conflicts []pgConflict, resolves []pgResolve, res *replica.Result) error {
	now := e.now().UTC().Format(time.RFC3339)
	for _, c := range conflicts {
		community := ""
		if c.row.t.Scope == schema.ScopeCommunity {
			community, _ = c.row.vals[c.row.t.ScopeColumn].(string)
		}
		id := replica.ConflictID(c.row.t.Name, c.row.id, c.col, c.winner.clock, c.loser.clock)
		r, err := tx.ExecContext(ctx, `INSERT INTO conflicts (id, tbl, row_id, col, community_id,
			winner_value, loser_value, winner_hlc, loser_hlc, winner_site, loser_site, winner_user, loser_user,
			detected_at, resolved, resolved_by, resolved_at, deleted)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', '', 0) ON CONFLICT (id) DO NOTHING`,
			id, c.row.t.Name, c.row.id, c.col, community, conflictJSON(c.winner.value), conflictJSON(c.loser.value),
			int64(c.winner.clock.HLC), int64(c.loser.clock.HLC), c.winner.clock.Site, c.loser.clock.Site,
			c.winner.user, c.loser.user, now)
		if err != nil {
			return fmt.Errorf("record conflict %s: %w", id, err)
		}
		if n, _ := r.RowsAffected(); n > 0 {
			res.Conflicts++
		}
	}
	if len(resolves) == 0 {
		return nil
	}
	// One statement for every resolution of the merge: an edit of a row
	// bases most of its columns on the clocks it read, and one UPDATE a
	// column was a round trip each under the write lock (about a dozen a
	// pushed visit) that almost never found an open conflict.
	ts, ids, cols := make([]string, len(resolves)), make([]string, len(resolves)), make([]string, len(resolves))
	hlcs, sites, bys := make([]int64, len(resolves)), make([]string, len(resolves)), make([]string, len(resolves))
	for i, v := range resolves {
		ts[i], ids[i], cols[i] = v.t, v.id, v.col
		hlcs[i], sites[i], bys[i] = int64(v.winner.HLC), v.winner.Site, v.by
	}
	r, err := tx.ExecContext(ctx, `UPDATE conflicts AS k SET resolved = 1, resolved_by = v.by, resolved_at = ?
		FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[]) AS v(t, id, col, hlc, site, by)
		WHERE k.row_id = v.id AND k.col = v.col AND k.resolved = 0 AND k.tbl = v.t AND k.winner_hlc = v.hlc AND k.winner_site = v.site`,
		now, ts, ids, cols, hlcs, sites, bys)
	if err != nil {
		return fmt.Errorf("resolve conflicts on %d columns: %w", len(resolves), err)
	}
	n, _ := r.RowsAffected()
	res.Resolved += int(n)
	return nil
}

// conflictJSON encodes a value for conflicts.winner_value/loser_value as
// the SQLite engine does.
func conflictJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return strconv.Quote(fmt.Sprint(v))
	}
	return string(b)
}

// detectableTable reports whether concurrent edits of t's rows are
// conflicts: not for append-only events, nor for conflict records.
func detectableTable(t *schema.Table) bool { return !t.AppendOnly && t.Name != "conflicts" }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
