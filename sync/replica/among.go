package replica

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// TableNumber returns the number this replica gives a synced table in its
// clock tables (sync_rows.t), and whether the table is synced.
func (r *Replica) TableNumber(name string) (int64, bool) {
	m, ok := r.byName[name]
	if !ok {
		return 0, false
	}
	return m.t, true
}

// ChangesAmong is Changes restricted to the rows a query selects, so that
// a caller holding an index of its own (the server's pull index by scope
// and sequence) reads only the rows it will keep rather than every changed
// row. among is a SELECT, run with args in the same read transaction as
// the rest, of (t, id) pairs — a table number (TableNumber) and a row id —
// of rows changed after from.After, in sequence order, at most limit of
// them; rows it yields that are not changed after from.After are skipped.
//
// The page is as Changes would return it with the rows among leaves out
// removed: rows in sequence order, each with its columns changed after
// from.Since. When among yields fewer than limit rows the round is Done,
// and Next passes every change committed so far, listed or not.
func (r *Replica) ChangesAmong(ctx context.Context, from Cursor, limit int, among string, args ...any) (Page, error) {
	if limit <= 0 {
		limit = 100
	}
	s, unlock, err := r.beginRead(ctx)
	if err != nil {
		return Page{}, fmt.Errorf("list changes after %s: %w", from, err)
	}
	defer unlock()
	defer s.rollback()
	hits, n, err := s.changedRows(from, `SELECT r.t, r.id, r.seq, r.clk FROM (`+among+`) AS a
		LEFT JOIN sync_rows r ON r.t = a.t AND r.id = a.id`, args...)
	if err != nil {
		return Page{}, err
	}
	// among's own order need not be the sequence's.
	slices.SortFunc(hits, func(a, b changedRow) int { return cmp.Compare(a.seq, b.seq) })
	page, err := s.pageOf(from, hits)
	if err != nil {
		return Page{}, err
	}
	if n < limit {
		page.Done = true
		var last int64
		if err := s.tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM sync_rows`).Scan(&last); err != nil {
			return Page{}, fmt.Errorf("list changes after %s: %w", from, err)
		}
		page.Next.After = max(page.Next.After, last)
		page.Next.Since = page.Next.After
	}
	if err := s.commit(); err != nil {
		return Page{}, fmt.Errorf("list changes after %s: %w", from, err)
	}
	return page, nil
}
