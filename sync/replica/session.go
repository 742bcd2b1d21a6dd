package replica

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// session is one write transaction of the sync engine (fold, Apply,
// Outbox, Ack, Changes): it caches the row clocks it reads and writes the
// changed ones back in flush.
type session struct {
	r    *Replica
	ctx  context.Context
	tx   *sql.Tx
	seq  int64 // last local sequence number handed out
	rows map[rowKey]*rowState
	dirt []*rowState // rows to write back, in first-change order
}

type rowKey struct {
	t  int64
	id string
}

// rowState is one row's clock: sync_rows as read, and as changed.
type rowState struct {
	key    rowKey
	clk    rowClock
	seq    int64 // sequence of the row's latest change
	pend   int64 // device: sequence of the first unacknowledged own change, 0 = none
	stored bool  // sync_rows has the row
	dirty  bool
}

// begin starts a session: a write transaction holding the lock, with the
// capture log folded in.
func (r *Replica) begin(ctx context.Context) (*session, error) {
	tx, err := r.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	s := &session{r: r, ctx: ctx, tx: tx, rows: map[rowKey]*rowState{}}
	var seq sql.NullInt64
	// Purged rows take their sequence numbers with them: seq_floor keeps the
	// highest one handed out, so numbers never go back.
	if err := tx.QueryRowContext(ctx, `SELECT max(coalesce((SELECT max(seq) FROM sync_rows), 0),
		(SELECT seq_floor FROM sync_state WHERE id = 1))`).Scan(&seq); err != nil {
		tx.Rollback() //nolint:errcheck // reporting the read error
		return nil, fmt.Errorf("read sequence: %w", err)
	}
	s.seq = seq.Int64
	if err := s.fold(); err != nil {
		tx.Rollback() //nolint:errcheck // reporting the fold error
		return nil, err
	}
	return s, nil
}

// beginRead starts a session for reading clocks: a plain read
// transaction when the capture log is empty in its snapshot, else a write
// session that folds the log first (and commits the fold). unlock must be
// called when done.
func (r *Replica) beginRead(ctx context.Context) (s *session, unlock func(), err error) {
	tx, err := r.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err == nil {
		var pending bool
		if err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sync_log)`).Scan(&pending); err == nil && !pending {
			return &session{r: r, ctx: ctx, tx: tx, rows: map[rowKey]*rowState{}}, func() {}, nil
		}
		tx.Rollback() //nolint:errcheck // read-only
		if err != nil {
			return nil, nil, fmt.Errorf("check capture log: %w", err)
		}
	}
	if err := r.foldLog(ctx); err != nil {
		return nil, nil, err
	}
	return r.beginRead(ctx)
}

// rollback abandons the session.
func (s *session) rollback() { s.tx.Rollback() } //nolint:errcheck // nothing to add

// commit writes the changed row clocks and commits.
func (s *session) commit() error {
	if err := s.flush(); err != nil {
		s.rollback()
		return err
	}
	if err := s.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// nextSeq hands out the next local sequence number.
func (s *session) nextSeq() int64 {
	s.seq++
	return s.seq
}

// row returns the clock of row (t, id), reading it on first use.
func (s *session) row(t int64, id string) (*rowState, error) {
	k := rowKey{t, id}
	if st, ok := s.rows[k]; ok {
		return st, nil
	}
	st := &rowState{key: k}
	var clk []byte
	var pend sql.NullInt64
	err := s.tx.QueryRowContext(s.ctx, `SELECT seq, pend, clk FROM sync_rows WHERE t = ? AND id = ?`, t, id).Scan(&st.seq, &pend, &clk)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("read row clock %d/%s: %w", t, id, err)
	default:
		st.stored = true
		st.pend = pend.Int64
		if st.clk, err = decodeRowClock(clk); err != nil {
			return nil, fmt.Errorf("row clock %d/%s: %w", t, id, err)
		}
	}
	s.rows[k] = st
	return st, nil
}

// touch marks a row for writing back.
func (s *session) touch(st *rowState) {
	if !st.dirty {
		st.dirty = true
		s.dirt = append(s.dirt, st)
	}
}

// flush writes every changed row clock, up to writeChunk rows per
// multi-row upsert (chunkLen) (measured faster here than an UPDATE per row or an UPDATE joined
// to a VALUES list).
func (s *session) flush() error {
	var args []any
	var clk []byte
	for len(s.dirt) > 0 {
		part := s.dirt[:chunkLen(len(s.dirt))]
		s.dirt = s.dirt[len(part):]
		if args == nil {
			args = make([]any, 0, 5*len(part))
		}
		args = args[:0]
		// The chunk's clocks share one buffer: the driver copies each
		// argument, so a buffer outgrown stays valid for the slices
		// already taken from it.
		clk = clk[:0]
		for _, st := range part {
			var pend any
			if st.pend != 0 {
				pend = st.pend
			}
			from := len(clk)
			clk = st.clk.encode(clk)
			args = append(args, st.key.t, st.key.id, st.seq, pend, clk[from:len(clk):len(clk)])
		}
		q := `INSERT INTO sync_rows (t, id, seq, pend, clk) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(part)), ", ") +
			` ON CONFLICT (t, id) DO UPDATE SET seq = excluded.seq, pend = excluded.pend, clk = excluded.clk`
		if _, err := s.tx.ExecContext(s.ctx, q, args...); err != nil {
			return fmt.Errorf("write %d row clocks (first %d/%s): %w", len(part), part[0].key.t, part[0].key.id, err)
		}
		for _, st := range part {
			st.dirty, st.stored = false, true
		}
	}
	s.dirt = nil
	return nil
}
