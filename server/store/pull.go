package store

import (
	"context"
	"fmt"
	"slices"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/replica"
)

// PullPage is what a device receives for one pull.
type PullPage struct {
	// Changes the user may see, newer than the cursor, without base clocks
	// (devices do not detect conflicts; the server did).
	Changes []change.Change
	// Cursor is where the next pull continues.
	Cursor Cursor
	// More: further changes wait.
	More bool
	// Reset: the cursor sent was not accepted (another epoch's history, or
	// the user's scope changed) and this page starts from the beginning.
	Reset bool
	// ResetScope: the reset is because the user's scope changed. The device
	// drops every row it holds (but its unpushed writes) with this page:
	// the pages that follow bring back everything it may still see.
	ResetScope bool
	// Gone lists rows that left the user's scope (see moves.go): the device
	// drops them.
	Gone []change.RowRef
	// Scanned is how many changed rows were looked at.
	Scanned int
}

// Pull limits: rows asked of the replica at a time, and rows looked at per
// request when few of them are in the user's scope.
const (
	pullBatchRows = 1000
	pullScanRows  = 20000
)

// Pull returns the changes after cursor that u may see, at most about
// maxChanges (whole rows are never split), scanning at most a bounded
// number of rows per call.
//
// A row whose scope columns changed after the cursor is sent whole, so a
// row that moved into the user's scope arrives complete. A cursor from
// history this database does not hold (a restored backup) or issued for a
// different scope starts over from the beginning (Reset).
func (s *Store) Pull(ctx context.Context, u *scope.User, cursor string, maxChanges int) (PullPage, error) {
	c, err := ParseCursor(cursor)
	if err != nil {
		return PullPage{}, err
	}
	chk, err := checkCursor(ctx, s.db, c)
	if err != nil {
		return PullPage{}, err
	}
	epoch := chk.epoch
	if epoch == "" {
		if epoch, err = s.Epoch(ctx); err != nil { // starts the first
			return PullPage{}, err
		}
	}
	var page PullPage
	fp := u.Fingerprint()
	if cursor != "" && (c.Scope != fp || !chk.valid) {
		page.ResetScope = c.Scope != fp
		c, page.Reset = Cursor{}, true
	}
	// Rows that moved out of the user's scope during the device's round
	// (a device whose cursor is from another epoch still holds its rows:
	// every move counts). A fresh device holds nothing, and one resetting
	// for a new scope drops everything anyway.
	var mv moves
	if cursor != "" && !page.ResetScope && (page.Reset || chk.moved) {
		if mv, err = loadMoves(ctx, s.db, c.Since); err != nil {
			return PullPage{}, err
		}
	}
	var hidden []change.RowRef
	rc := replica.Cursor{Since: c.Since, After: c.After}
	filter := pullFilter(u, mv)
	done := false
	for !done && len(page.Changes) < maxChanges && page.Scanned < pullScanRows {
		p, err := s.eng.changes(ctx, rc, pullBatchRows, filter)
		if err != nil {
			return PullPage{}, fmt.Errorf("pull: %w", err)
		}
		visible, err := s.visibleRows(ctx, u, p.Rows)
		if err != nil {
			return PullPage{}, err
		}
		// Rows whose scope changed may have just entered the user's
		// scope: they are sent whole, read together.
		var wholeRefs []change.RowRef
		for i, r := range p.Rows {
			if visible[i] && rc.Since > 0 && needsWholeRow(r) {
				wholeRefs = append(wholeRefs, change.RowRef{Table: r.Table, ID: r.ID})
			}
		}
		whole, err := s.eng.rowStates(ctx, wholeRefs)
		if err != nil {
			return PullPage{}, fmt.Errorf("pull: %w", err)
		}
		// Room for the batch's changes at once, at least doubling the
		// page when it must grow: a page holds thousands, and growing it
		// by appends, or by exactly each batch, copied it over and over (a
		// quarter of a pull's time in a profile, then a fifth).
		grow := 0
		for i, r := range p.Rows {
			if visible[i] {
				if w, ok := whole[change.RowRef{Table: r.Table, ID: r.ID}]; ok {
					grow += len(w.Changes)
				} else {
					grow += len(r.Changes)
				}
			}
		}
		if len(page.Changes)+grow > cap(page.Changes) {
			page.Changes = slices.Grow(page.Changes, max(grow, len(page.Changes)))
		}
		for i, r := range p.Rows {
			if !visible[i] {
				if len(mv) > 0 {
					hidden = append(hidden, change.RowRef{Table: r.Table, ID: r.ID})
				}
				continue
			}
			changes := r.Changes
			if w, ok := whole[change.RowRef{Table: r.Table, ID: r.ID}]; ok {
				changes = w.Changes
			}
			for _, ch := range changes {
				ch.Base = change.Clock{}
				page.Changes = append(page.Changes, ch)
			}
		}
		page.Scanned += len(p.Rows)
		rc, done = p.Next, p.Done
	}
	if len(hidden) > 0 {
		if page.Gone, err = s.goneRows(ctx, u, mv, hidden); err != nil {
			return PullPage{}, fmt.Errorf("pull: %w", err)
		}
	}
	page.More = !done
	page.Cursor = Cursor{Epoch: epoch, Scope: fp, Since: rc.Since, After: rc.After}
	return page, nil
}

// needsWholeRow reports whether a listed row's changes include a scope
// column but not every column: the row may have just entered someone's
// scope, and they need all of it.
func needsWholeRow(r replica.Row) bool {
	t, ok := schema.Reg.Table(r.Table)
	if !ok || len(r.Changes) >= len(t.Columns) {
		return false
	}
	for _, c := range r.Changes {
		if scope.IsScopeColumn(t, c.Column) {
			return true
		}
	}
	return false
}

// visibleRows decides for each listed row whether u may receive it. The
// replica lists each row's scope and pairing values; tables whose policy
// needs more (spot checks, rows about other rows) are read in bulk.
func (s *Store) visibleRows(ctx context.Context, u *scope.User, rows []replica.Row) ([]bool, error) {
	out := make([]bool, len(rows))
	extra := map[string][]string{} // table → ids needing a full scope read
	for _, r := range rows {
		t, ok := schema.Reg.Table(r.Table)
		if ok && needsRead(t) {
			extra[t.Name] = append(extra[t.Name], r.ID)
		}
	}
	read := map[string]map[string]scope.Row{}
	for name, ids := range extra {
		t, _ := schema.Reg.Table(name)
		m, err := scopeRows(ctx, s.db, t, ids)
		if err != nil {
			return nil, fmt.Errorf("pull: %w", err)
		}
		read[name] = m
	}
	for i, r := range rows {
		t, ok := schema.Reg.Table(r.Table)
		if !ok {
			continue
		}
		var sr scope.Row
		if needsRead(t) {
			if sr, ok = read[t.Name][r.ID]; !ok {
				continue
			}
		} else {
			sr = scope.Row{ID: r.ID, Pairing: r.Pairing}
			switch t.Scope {
			case schema.ScopeCommunity:
				sr.Community = r.Scope
			case schema.ScopeStreet:
				sr.Street = r.Scope
			}
		}
		out[i] = scope.CanRead(u, t, sr)
	}
	return out, nil
}

// needsRead reports whether deciding on a row of t takes more than its
// scope and pairing columns.
func needsRead(t *schema.Table) bool {
	n := 0
	if t.ScopeColumn != "" {
		n++
	}
	if t.Pairing != schema.NoPairingAccess && t.PairingColumn != "id" && t.PairingColumn != t.ScopeColumn {
		n++
	}
	return len(scope.Columns(t)) > n
}
