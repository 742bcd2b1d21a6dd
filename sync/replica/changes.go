package replica

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// Cursor is a position in a replica's change sequence, for paging through
// Changes. The zero Cursor is "from the beginning".
//
// Every change a replica stores gets a local sequence number, and every
// row remembers the number of its latest change. A round of pages walks
// the rows changed after Since in row order, returning from each row the
// columns changed after Since; After is how far the round got. When a round
// ends (Page.Done) the next cursor has Since = After: everything up to
// there has been returned. (A row changed again during a round moves to the
// end and is returned again, never skipped.)
type Cursor struct {
	Since, After int64
}

// String encodes the cursor as "since.after".
func (c Cursor) String() string {
	return strconv.FormatInt(c.Since, 10) + "." + strconv.FormatInt(c.After, 10)
}

// ParseCursor decodes Cursor.String's form; "" is the zero Cursor.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	a, b, ok := strings.Cut(s, ".")
	since, err1 := strconv.ParseInt(a, 10, 64)
	after, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || since < 0 || after < since {
		return Cursor{}, fmt.Errorf("bad sync cursor %q", s)
	}
	return Cursor{Since: since, After: after}, nil
}

// Row is the changed columns of one row, as Changes lists them.
type Row struct {
	Table string
	ID    string
	// Scope is the row's current value of its table's ScopeColumn
	// (community_id or street_id; "" for district tables or NULL).
	Scope string
	// Pairing is the row's current value of its table's PairingColumn (the
	// row id when that column is "id"; "" when the table has none).
	Pairing string
	// Seq is the local sequence number of the row's latest change.
	Seq int64
	// Changes are the row's columns changed in the range, each with its
	// current value, clock, user and (for our own writes) base.
	Changes []change.Change
}

// Page is one page of Changes.
type Page struct {
	Rows []Row
	// Next is the cursor for the following page (or, when Done, for the
	// next round).
	Next Cursor
	// Done: this page reached the newest change.
	Done bool
}

// Changes lists the changes after cursor from, at most limit rows (100
// when limit <= 0), oldest first. The server filters the rows by the
// user's scope, sends their Changes, and hands the device Next.
func (r *Replica) Changes(ctx context.Context, from Cursor, limit int) (Page, error) {
	if limit <= 0 {
		limit = 100
	}
	s, unlock, err := r.beginRead(ctx)
	if err != nil {
		return Page{}, fmt.Errorf("list changes after %s: %w", from, err)
	}
	defer unlock()
	defer s.rollback()
	hits, _, err := s.changedRows(from, `SELECT t, id, seq, clk FROM sync_rows WHERE seq > ? ORDER BY seq LIMIT ?`, from.After, limit)
	if err != nil {
		return Page{}, err
	}
	page, err := s.pageOf(from, hits)
	if err != nil {
		return Page{}, err
	}
	if len(hits) < limit {
		page.Done = true
		page.Next.Since = page.Next.After
	}
	if err := s.commit(); err != nil {
		return Page{}, fmt.Errorf("list changes after %s: %w", from, err)
	}
	return page, nil
}

// changedRow is a row as its sync_rows row names it, the clock not yet
// decoded.
type changedRow struct {
	t   int64
	id  string
	seq int64
	clk []byte
}

// changedRows runs q, a SELECT of (t, id, seq, clk) — all NULL for a row
// without a clock — and returns the rows changed after from.After, in the
// order read; n counts every row q yielded, listed or not.
func (s *session) changedRows(from Cursor, q string, args ...any) (hits []changedRow, n int, err error) {
	rows, err := s.tx.QueryContext(s.ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list changes after %s: %w", from, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t, seq sql.NullInt64
		var id sql.NullString
		var clk []byte
		if err := rows.Scan(&t, &id, &seq, &clk); err != nil {
			return nil, 0, fmt.Errorf("list changes after %s: %w", from, err)
		}
		n++
		if seq.Valid && seq.Int64 > from.After {
			hits = append(hits, changedRow{t: t.Int64, id: id.String, seq: seq.Int64, clk: clk})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list changes after %s: %w", from, err)
	}
	return hits, n, nil
}

// pageOf lists hits, in their order, as a page after from: each row with
// its columns changed after from.Since, Next.After at the last one.
func (s *session) pageOf(from Cursor, hits []changedRow) (Page, error) {
	page := Page{Next: Cursor{Since: from.Since, After: from.After}}
	data, err := s.readRows(hits)
	if err != nil {
		return Page{}, err
	}
	for _, h := range hits {
		rc, err := decodeRowClock(h.clk)
		if err != nil {
			return Page{}, fmt.Errorf("list changes: row %d/%s: %w", h.t, h.id, err)
		}
		row, err := s.rowOf(s.r.meta(h.t), h.id, data[rowKey{h.t, h.id}], rc, from.Since)
		if err != nil {
			return Page{}, err
		}
		row.Seq = h.seq
		page.Rows = append(page.Rows, row)
		page.Next.After = h.seq
	}
	return page, nil
}

// RowState returns every column of one row with its clock: what a replica
// must send when a row newly enters a user's scope (Changes only lists the
// columns changed since the cursor). ok is false when the row is unknown.
func (r *Replica) RowState(ctx context.Context, table, id string) (row Row, ok bool, err error) {
	ref := change.RowRef{Table: table, ID: id}
	rows, err := r.RowStates(ctx, []change.RowRef{ref})
	if err != nil {
		return Row{}, false, fmt.Errorf("row state %s/%s: %w", table, id, err)
	}
	row, ok = rows[ref]
	return row, ok, nil
}

// readRowsChunk is how many ids one query of readRows reads.
const readRowsChunk = 500

// readRows reads the data rows of hits with one query per table and
// readRowsChunk ids (a page of a pull lists thousands of rows; one query
// a row was most of a pull's cost). A row the database does not hold
// (deleted under the clock, or never written here) has no values.
func (s *session) readRows(hits []changedRow) (map[rowKey]*dataRow, error) {
	data := make(map[rowKey]*dataRow, len(hits))
	byTable := map[int64][]string{}
	for _, h := range hits {
		k := rowKey{h.t, h.id}
		if _, ok := data[k]; ok {
			continue
		}
		if s.r.meta(h.t) == nil {
			return nil, fmt.Errorf("list changes: unknown table number %d", h.t)
		}
		data[k] = &dataRow{}
		byTable[h.t] = append(byTable[h.t], h.id)
	}
	for t, ids := range byTable {
		m := s.r.meta(t)
		for start := 0; start < len(ids); start += readRowsChunk {
			if err := s.loadValues(m, ids[start:min(start+readRowsChunk, len(ids))], data); err != nil {
				return nil, fmt.Errorf("list changes: %w", err)
			}
		}
	}
	return data, nil
}

// rowOf builds the Row of data row d (read by readRow or readRows) with
// the columns its clock rc changed after since.
func (s *session) rowOf(m *tableMeta, id string, d *dataRow, rc rowClock, since int64) (Row, error) {
	if d == nil || !d.loaded {
		d = &dataRow{vals: make([]any, len(m.table.Columns))}
	}
	row := Row{Table: m.table.Name, ID: id}
	if m.table.Scope != schema.ScopeDistrict {
		row.Scope, _ = d.vals[m.col[m.byCol[m.table.ScopeColumn]]].(string)
	}
	switch {
	case m.table.Pairing == schema.NoPairingAccess:
	case m.table.PairingColumn == "id":
		row.Pairing = id
	default:
		row.Pairing, _ = d.vals[m.col[m.byCol[m.table.PairingColumn]]].(string)
	}
	n := 0
	for i := range rc {
		if rc[i].seq > since {
			n += bits.OnesCount64(rc[i].mask)
		}
	}
	row.Changes = make([]change.Change, 0, n)
	for i := range rc {
		g := &rc[i]
		if g.seq <= since {
			continue
		}
		wr := s.r.writers.get(g.w)
		for _, bit := range columns(g.mask) {
			ci, ok := m.col[bit]
			if !ok {
				continue
			}
			c := change.Change{
				Table: m.table.Name, ID: id, Column: m.table.Columns[ci].Name, Value: d.vals[ci],
				Clock: change.Clock{HLC: hlc.Timestamp(g.hlc), Site: wr.site}, User: wr.user,
			}
			if b, ok := g.baseOf(bit); ok {
				c.Base = change.Clock{HLC: hlc.Timestamp(b.hlc), Site: s.r.writers.get(b.w).site}
			}
			row.Changes = append(row.Changes, c)
		}
	}
	sortByColumn(row.Changes, m)
	return row, nil
}

// sortByColumn orders a row's changes like the registry's columns.
func sortByColumn(cs []change.Change, m *tableMeta) {
	idx := func(c change.Change) int { return m.col[m.byCol[c.Column]] }
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && idx(cs[j]) < idx(cs[j-1]); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// Changes flattens the page's rows into one list of changes.
func (p Page) Changes() []change.Change {
	var out []change.Change
	for _, r := range p.Rows {
		out = append(out, r.Changes...)
	}
	return out
}

// RowsChangedAfter lists the rows whose latest change has a sequence
// number above after, at most limit of them (100 when limit <= 0) in
// sequence order, by table and id only, and the sequence number the list
// reached (after when it is empty). Like Changes it folds the capture log
// first, so the replica's own writes are listed too; unlike Changes it
// reads neither values nor clocks. The server's evidence follower walks
// the change log with it.
func (r *Replica) RowsChangedAfter(ctx context.Context, after int64, limit int) ([]change.RowRef, int64, error) {
	if limit <= 0 {
		limit = 100
	}
	s, unlock, err := r.beginRead(ctx)
	if err != nil {
		return nil, after, fmt.Errorf("rows changed after %d: %w", after, err)
	}
	defer unlock()
	defer s.rollback()
	rows, err := s.tx.QueryContext(ctx, `SELECT t, id, seq FROM sync_rows WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, after, fmt.Errorf("rows changed after %d: %w", after, err)
	}
	defer rows.Close()
	var out []change.RowRef
	reached := after
	for rows.Next() {
		var t, seq int64
		var id string
		if err := rows.Scan(&t, &id, &seq); err != nil {
			return nil, after, fmt.Errorf("rows changed after %d: %w", after, err)
		}
		m := r.meta(t)
		if m == nil {
			return nil, after, fmt.Errorf("rows changed after %d: row %s of unknown table number %d", after, id, t)
		}
		out = append(out, change.RowRef{Table: m.table.Name, ID: id})
		reached = seq
	}
	if err := rows.Err(); err != nil {
		return nil, after, fmt.Errorf("rows changed after %d: %w", after, err)
	}
	return out, reached, nil
}
