package store

import (
	"context"
	"database/sql"

	"doorstep/sync/change"
	"doorstep/sync/replica"
)

// engine is the replicated half of a store: the synced tables with their
// per-column clocks and server sequence. Everything else (users, devices,
// enrollment, acknowledgements, blobs, epochs, rights, scopes and moves)
// is plain SQL shared by both backends: the SQL is written once, with "?"
// placeholders and syntax both SQLite and PostgreSQL accept, and the
// PostgreSQL handle rewrites the placeholders (pgdriver.go).
//
// Both engines keep the same tables under the same names where the shared
// SQL reads them: sync_rows(t, id, seq) for the highest sequence, and
// sync_writers(site, user) for who wrote as whom.
type engine interface {
	// handle is the database handle the shared SQL runs on.
	handle() *sql.DB
	// site is the server replica's own site id.
	site() string
	// apply merges a changeset in one transaction (see replica.Apply);
	// inTx runs in the same transaction after the merge, before commit.
	apply(ctx context.Context, set *change.Set, inTx func(tx *sql.Tx, res replica.Result) error) (replica.Result, error)
	// changes lists rows changed after a cursor (see replica.Changes). An
	// engine may leave out rows outside f (nil: every row; pgfilter.go).
	changes(ctx context.Context, from replica.Cursor, limit int, f *rowFilter) (replica.Page, error)
	// changedAfter lists the rows whose latest change is above after, by
	// table and id only, and the sequence number reached (see
	// replica.RowsChangedAfter).
	changedAfter(ctx context.Context, after int64, limit int) ([]change.RowRef, int64, error)
	// rowState returns every column of one row (see replica.RowState).
	rowState(ctx context.Context, table, id string) (replica.Row, bool, error)
	// rowStates is rowState for many rows in one read (see
	// replica.RowStates); rows the store does not hold are absent.
	rowStates(ctx context.Context, refs []change.RowRef) (map[change.RowRef]replica.Row, error)
	// write runs fn in a write transaction whose writes to synced tables
	// are captured as the server's own changes by user.
	write(ctx context.Context, user string, fn func(tx *sql.Tx) error) error
	// prepare installs what the shared SQL needs beyond the migrations
	// (the scope move triggers, see moves.go).
	prepare(ctx context.Context, s *Store) error
	// fence returns ErrOutdated when the database has been upgraded past
	// this process, and outdated whether it ever did (pgfence.go).
	fence(ctx context.Context) error
	outdated() bool
	close() error
}

// sqliteEngine is the embedded backend: sync/replica on a SQLite file,
// checkpointed in the background (checkpoint.go) unless ckpt is nil.
type sqliteEngine struct {
	rep  *replica.Replica
	ckpt *checkpointer
}

func (e sqliteEngine) handle() *sql.DB { return e.rep.DB() }

// fence has nothing to check: one process serves a SQLite store.
func (e sqliteEngine) fence(context.Context) error { return nil }
func (e sqliteEngine) outdated() bool              { return false }
func (e sqliteEngine) site() string                { return e.rep.Site() }
func (e sqliteEngine) apply(ctx context.Context, set *change.Set, inTx func(tx *sql.Tx, res replica.Result) error) (replica.Result, error) {
	return e.rep.Apply(ctx, set, replica.ApplyOptions{InTx: inTx})
}
func (e sqliteEngine) changes(ctx context.Context, from replica.Cursor, limit int, f *rowFilter) (replica.Page, error) {
	if f == nil {
		return e.rep.Changes(ctx, from, limit)
	}
	q, args, err := pullIndexQuery(e.rep, f, from.After, limit)
	if err != nil {
		return replica.Page{}, err
	}
	return e.rep.ChangesAmong(ctx, from, limit, q, args...)
}
func (e sqliteEngine) changedAfter(ctx context.Context, after int64, limit int) ([]change.RowRef, int64, error) {
	return e.rep.RowsChangedAfter(ctx, after, limit)
}
func (e sqliteEngine) rowState(ctx context.Context, table, id string) (replica.Row, bool, error) {
	return e.rep.RowState(ctx, table, id)
}
func (e sqliteEngine) rowStates(ctx context.Context, refs []change.RowRef) (map[change.RowRef]replica.Row, error) {
	return e.rep.RowStates(ctx, refs)
}
func (e sqliteEngine) write(ctx context.Context, user string, fn func(tx *sql.Tx) error) error {
	return e.rep.Write(ctx, user, fn)
}
func (e sqliteEngine) prepare(ctx context.Context, s *Store) error {
	if err := s.installMoveTriggers(ctx); err != nil {
		return err
	}
	return s.installPullIndex(ctx, e.rep)
}
func (e sqliteEngine) close() error {
	if e.ckpt != nil {
		e.ckpt.close()
	}
	return e.rep.Close()
}
