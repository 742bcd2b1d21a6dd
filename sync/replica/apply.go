package replica

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
	"doorstep/sync/wire"
)

// ApplyOptions adjust one Apply.
type ApplyOptions struct {
	// PullCursor, when not empty, is stored as the device's pull cursor in
	// the same transaction (read it back with PullCursor), so a page and
	// the cursor after it are kept or lost together.
	PullCursor string
	// PurgeAll drops every synced row without unacknowledged local writes
	// (see Purge) in the same transaction, before merging: a device applies
	// the first page of a full re-fetch after its user's scope changed with
	// it, so rows it may no longer see go, and the page, its cursor and the
	// purge are kept or lost together. Device replicas only.
	PurgeAll bool
	// InTx, when set, runs inside the transaction after the changes are
	// merged (res says what the merge did) and before the commit; an error
	// rolls everything back. The
	// server records a push's acknowledgement with it, so the changes and
	// their acknowledgement are committed together. It must write only
	// tables that are not synced. It does not run for a duplicate batch.
	InTx func(tx *sql.Tx, res Result) error
}

// Result says what an Apply did.
type Result struct {
	// Duplicate: the set's batch id was applied before; nothing changed.
	Duplicate bool
	// Applied counts changes that won and were written; Ignored those that
	// lost or were already here.
	Applied, Ignored int
	// Conflicts counts conflict records written, Resolved those marked
	// resolved (server replicas only).
	Conflicts, Resolved int
	// Purged counts rows dropped (ApplyOptions.PurgeAll, the set's Gone
	// rows; device replicas only).
	Purged int
}

// Apply merges a changeset from another replica in one transaction: per
// column, the change with the greater (hlc, site) wins; equal clocks are
// the same write and change nothing, so applying twice, or in any order,
// ends the same. Writes are not captured again. A set with a batch id
// already applied here is a no-op (Result.Duplicate).
//
// On a server replica, concurrent edits are recorded in the conflicts table
// (see the package comment) within the same transaction.
//
// A device drops the set's Gone rows (see PurgeRows) in the same
// transaction; a server replica refuses a set with Gone rows.
//
// Apply refuses the whole set, changing nothing, when a change fails
// wire.Validate (an error wrapping a *wire.Error) or a clock is too far
// ahead of the local physical clock (an error wrapping *hlc.DriftError).
func (r *Replica) Apply(ctx context.Context, set *change.Set, opts ApplyOptions) (Result, error) {
	var res Result
	if err := wire.Validate(set, schema.Reg); err != nil {
		return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
	}
	if r.target != schema.Device && (len(set.Gone) > 0 || opts.PurgeAll) {
		return res, fmt.Errorf("apply changeset %s: only a device replica drops rows", set.Batch)
	}
	for _, c := range set.Changes {
		if err := r.clock.Check(c.Clock.HLC); err != nil {
			return res, fmt.Errorf("apply changeset %s: change %s: %w", set.Batch, c, err)
		}
	}
	// Writers are stored outside the transaction: a rollback must not leave
	// cached numbers that name no row.
	ws := map[writer]int64{}
	for _, c := range set.Changes {
		k := writer{c.Clock.Site, c.User}
		if _, ok := ws[k]; !ok {
			w, err := r.writers.id(ctx, r.db, k.site, k.user)
			if err != nil {
				return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
			}
			ws[k] = w
		}
	}
	system, err := r.writers.id(ctx, r.db, r.site, "")
	if err != nil {
		return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
	}

	r.syncMu.Lock()
	defer r.syncMu.Unlock()
	s, err := r.begin(ctx)
	if err != nil {
		return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
	}
	defer s.rollback()
	if set.Batch != "" {
		var n int
		if err := s.tx.QueryRowContext(ctx, `SELECT count(*) FROM sync_batches WHERE batch = ?`, set.Batch).Scan(&n); err != nil {
			return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
		}
		if n > 0 {
			res.Duplicate = true
			res.Ignored = len(set.Changes)
			if err := s.commit(); err != nil {
				return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
			}
			return res, nil
		}
	}
	if opts.PurgeAll {
		n, err := s.purgeAll()
		if err != nil {
			return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
		}
		res.Purged += n
	}
	if len(set.Gone) > 0 {
		n, err := s.purgeRows(set.Gone)
		if err != nil {
			return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
		}
		res.Purged += n
	}
	m := merger{s: s, ws: ws, detect: r.target == schema.Server}
	r.applying.Store(true)
	err = m.merge(set.Changes, &res)
	r.applying.Store(false)
	if err != nil {
		return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
	}
	for _, c := range set.Changes {
		if err := r.clock.Update(c.Clock.HLC); err != nil {
			return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
		}
	}
	if err := s.flush(); err != nil {
		return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
	}
	// Conflict records are this replica's own writes: captured, by the
	// system user.
	if len(m.conflicts) > 0 || len(m.resolves) > 0 {
		r.tx.mu.Lock()
		r.override = system
		r.tx.mu.Unlock()
		err := m.record(&res)
		r.tx.mu.Lock()
		r.override = 0
		r.tx.mu.Unlock()
		if err != nil {
			return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
		}
	}
	if _, err := s.tx.ExecContext(ctx, `UPDATE sync_state SET hlc = max(hlc, ?) WHERE id = 1`, int64(r.clock.Last())); err != nil {
		return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
	}
	if set.Batch != "" {
		if _, err := s.tx.ExecContext(ctx, `INSERT INTO sync_batches (batch, site, applied_at) VALUES (?, ?, ?)`,
			set.Batch, set.Site, r.now().UTC().Format(time.RFC3339)); err != nil {
			return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
		}
	}
	if opts.PullCursor != "" {
		if _, err := s.tx.ExecContext(ctx, `UPDATE sync_state SET pull_cursor = ? WHERE id = 1`, opts.PullCursor); err != nil {
			return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
		}
	}
	if opts.InTx != nil {
		if err := s.flush(); err != nil {
			return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
		}
		if err := opts.InTx(s.tx, res); err != nil {
			return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
		}
	}
	if err := s.commit(); err != nil {
		return res, fmt.Errorf("apply changeset %s: %w", set.Batch, err)
	}
	return res, nil
}

// merger merges one changeset inside a session.
type merger struct {
	s         *session
	ws        map[writer]int64
	detect    bool
	conflicts []conflict
	resolves  []resolve
	data      map[rowKey]*dataRow // the rows the changeset touches, as merged so far
	written   []rowWrite          // rows with columns to write, in first-change order
}

// merge applies changes in order, row by row, to the rows as read at the
// start and as changed by earlier changes of the set, all in memory; then
// writes the changed rows in batches (see batch.go). The outcome is the
// same as applying each row's changes to the database one after another.
func (m *merger) merge(changes []change.Change, res *Result) error {
	if err := m.preload(changes); err != nil {
		return err
	}
	for i := 0; i < len(changes); {
		j := i + 1
		for j < len(changes) && changes[j].Table == changes[i].Table && changes[j].ID == changes[i].ID {
			j++
		}
		if err := m.mergeRow(changes[i:j], res); err != nil {
			return err
		}
		i = j
	}
	return m.s.writeRows(m.written)
}

// preload reads the row clocks of every row in changes, and whether its
// data row exists, one query per table (values are read when needed; see
// value).
func (m *merger) preload(changes []change.Change) error {
	m.data = map[rowKey]*dataRow{}
	ids := map[*tableMeta][]string{}
	var order []*tableMeta
	seen := map[rowKey]bool{}
	var meta *tableMeta
	for i, c := range changes {
		if i > 0 && c.ID == changes[i-1].ID && c.Table == changes[i-1].Table {
			continue
		}
		if meta == nil || c.Table != meta.table.Name {
			meta = m.s.r.byName[c.Table]
			if _, ok := ids[meta]; !ok {
				order = append(order, meta)
			}
		}
		if k := (rowKey{meta.t, c.ID}); !seen[k] {
			seen[k] = true
			ids[meta] = append(ids[meta], c.ID)
		}
	}
	for _, meta := range order {
		if err := m.s.loadRows(meta, ids[meta], m.data); err != nil {
			return err
		}
	}
	return m.preloadValues(changes)
}

// preloadValues reads, one query per table, the stored values of the rows
// whose changes will need them (see value): a server comparing a
// concurrent edit, a device keeping its own overwritten write. It looks at
// the clocks as stored; a row it misses is read alone when needed, a row
// it reads in vain costs nothing else.
func (m *merger) preloadValues(changes []change.Change) error {
	r := m.s.r
	ids := map[*tableMeta][]string{}
	var order []*tableMeta
	var meta *tableMeta
	var d *dataRow
	var st *rowState
	for i, c := range changes {
		if i == 0 || c.ID != changes[i-1].ID || c.Table != changes[i-1].Table {
			if meta == nil || c.Table != meta.table.Name {
				meta = r.byName[c.Table]
			}
			k := rowKey{meta.t, c.ID}
			d, st = m.data[k], m.s.rows[k]
		}
		if !d.exists || d.loaded || d.want {
			continue
		}
		gi := st.clk.find(meta.byCol[c.Column])
		if gi < 0 {
			continue
		}
		g := &st.clk[gi]
		cur := change.Clock{HLC: hlc.Timestamp(g.hlc), Site: r.writers.get(g.w).site}
		cmp := c.Clock.Compare(cur)
		switch {
		case cmp == 0:
			continue
		case m.detect:
			if c.Base == cur || c.Clock.Site == cur.Site || !detectable(meta.table) {
				continue
			}
		case cmp < 0 || !r.pending(st, g):
			continue
		}
		d.want = true
		if _, ok := ids[meta]; !ok {
			order = append(order, meta)
		}
		ids[meta] = append(ids[meta], c.ID)
	}
	for _, meta := range order {
		if err := m.s.loadValues(meta, ids[meta], m.data); err != nil {
			return err
		}
	}
	return nil
}

// mergeRow applies the changes of one row.
func (m *merger) mergeRow(changes []change.Change, res *Result) error {
	s, r := m.s, m.s.r
	meta := r.byName[changes[0].Table]
	id := changes[0].ID
	st, err := s.row(meta.t, id)
	if err != nil {
		return err
	}
	d := m.data[rowKey{meta.t, id}]
	var seq int64
	oldPend := st.pend
	for _, c := range changes {
		bit := meta.byCol[c.Column]
		ci := meta.col[bit]
		cur, _, has := st.clk.cell(bit)
		curW := r.writers.get(cur.w)
		curClock := change.Clock{}
		if has {
			curClock = change.Clock{HLC: hlc.Timestamp(cur.hlc), Site: curW.site}
		}
		cmp := c.Clock.Compare(curClock)
		if has && cmp == 0 {
			res.Ignored++
			continue
		}
		concurrent := false
		if has && m.detect && c.Base != curClock && c.Clock.Site != curClock.Site && detectable(meta.table) {
			cur, err := m.value(meta, id, d, ci)
			if err != nil {
				return err
			}
			concurrent = !change.EqualValues(c.Value, cur)
		}
		if cmp < 0 {
			if concurrent {
				m.conflicts = append(m.conflicts, conflict{meta: meta, id: id, col: c.Column,
					winner: side{curClock, curW.user, d.vals[ci]}, loser: side{c.Clock, c.User, c.Value}})
			}
			res.Ignored++
			continue
		}
		// c wins.
		if concurrent {
			m.conflicts = append(m.conflicts, conflict{meta: meta, id: id, col: c.Column,
				winner: side{c.Clock, c.User, c.Value}, loser: side{curClock, curW.user, d.vals[ci]}})
		} else if has && m.detect && c.Base == curClock {
			m.resolves = append(m.resolves, resolve{meta: meta, id: id, col: c.Column, winner: curClock, by: c.User})
		}
		if has && !m.detect {
			if err := m.keepLost(st, bit, meta, d, ci); err != nil {
				return err
			}
		}
		if seq == 0 {
			seq = s.nextSeq()
		}
		w := m.ws[writer{c.Clock.Site, c.User}]
		st.clk = st.clk.set(uint64(1)<<uint(bit), clockRef{hlc: uint64(c.Clock.HLC), w: w}, seq, nil)
		if d.vals == nil {
			d.vals = make([]any, len(meta.table.Columns))
		}
		d.vals[ci] = c.Value
		if d.write == 0 {
			m.written = append(m.written, rowWrite{meta: meta, id: id, d: d})
		}
		d.write |= uint64(1) << uint(ci)
		res.Applied++
	}
	if seq == 0 {
		return nil
	}
	st.seq = seq
	if oldPend != 0 {
		st.pend = r.firstPending(st, oldPend)
	}
	s.touch(st)
	return nil
}

// value returns the current value of column ci of row id: the value an
// earlier change of this set wrote, or else the stored one. Stored values
// are read only when needed — to compare a concurrent edit, or to keep an
// overwritten own write — which is rare: most changes are decided by the
// clocks alone.
func (m *merger) value(meta *tableMeta, id string, d *dataRow, ci int) (any, error) {
	if d.loaded || d.write&(uint64(1)<<uint(ci)) != 0 {
		return d.vals[ci], nil
	}
	if d.vals == nil {
		d.vals = make([]any, len(meta.table.Columns))
	}
	if d.exists {
		stored, err := m.s.readRow(meta, id)
		if err != nil {
			return nil, err
		}
		for i, v := range stored.vals {
			if d.write&(uint64(1)<<uint(i)) == 0 {
				d.vals[i] = v
			}
		}
	}
	d.loaded = true
	return d.vals[ci], nil
}

// keepLost saves our own unacknowledged write of column bit (index ci of
// data row d) before a remote change overwrites it, so it is still pushed
// (device replicas).
func (m *merger) keepLost(st *rowState, bit int, meta *tableMeta, d *dataRow, ci int) error {
	if st.pend == 0 {
		return nil
	}
	i := st.clk.find(bit)
	g := &st.clk[i]
	if !m.s.r.pending(st, g) {
		return nil
	}
	value, err := m.value(meta, st.key.id, d, ci)
	if err != nil {
		return err
	}
	base, _ := g.baseOf(bit)
	// The write belongs to the pending batch if the batch sent it.
	_, err = m.s.tx.ExecContext(m.s.ctx, `INSERT OR REPLACE INTO sync_lost (seq, t, id, c, value, hlc, w, base_hlc, base_w, batch)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, EXISTS (SELECT 1 FROM sync_batch b, sync_state s
			WHERE b.t = ?2 AND b.id = ?3 AND b.pend <= ?1 AND s.id = 1 AND ?1 <= s.batch_seq))`,
		g.seq, st.key.t, st.key.id, bit, value, int64(g.hlc), g.w, int64(base.hlc), base.w)
	if err != nil {
		return fmt.Errorf("keep overwritten write %d/%s: %w", st.key.t, st.key.id, err)
	}
	return nil
}

// firstPending returns the sequence of the row's first own write at or
// after pend, or 0 when none is left.
func (r *Replica) firstPending(st *rowState, pend int64) int64 {
	var first int64
	for i := range st.clk {
		g := &st.clk[i]
		if g.seq >= pend && r.isOwn(g.w) && (first == 0 || g.seq < first) {
			first = g.seq
		}
	}
	return first
}

// detectable reports whether concurrent edits of t's rows are conflicts:
// not for append-only events, nor for the conflict records themselves.
func detectable(t *schema.Table) bool { return !t.AppendOnly && t.Name != "conflicts" }
