package replica

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// Folding: the capture triggers only append to sync_log. Every sync
// operation first folds the log into the row clocks, in capture order,
// inside its own write transaction — so what it reads is complete, and the
// app's writes never pay for clock bookkeeping.
//
// Folding one entry gives the entry's columns its clock under a new local
// sequence number, and records each column's base: the clock it had —
// except that when that clock is our own write still waiting for the
// server, the base stays that write's base. The server never saw the
// intermediate value, so the value we last saw from outside is what this
// write replaces; otherwise two quick saves of one form would look to the
// server like a conflict with ourselves.

// foldLog folds the capture log in a transaction of its own.
func (r *Replica) foldLog(ctx context.Context) error {
	r.syncMu.Lock()
	defer r.syncMu.Unlock()
	s, err := r.begin(ctx)
	if err != nil {
		return err
	}
	return s.commit()
}

type logEntry struct {
	t    int64
	id   string
	mask uint64
	ref  clockRef
}

// foldChunk is how many capture log entries fold reads at a time: memory
// stays bounded however long the log grew (a device offline for weeks, a
// bulk import).
const foldChunk = 10000

// fold moves every sync_log entry into the row clocks, foldChunk entries
// at a time: read them in capture order, read their rows' clocks (one
// query per table), apply them, write the clocks back and forget them
// before the next chunk.
func (s *session) fold() error {
	var after int64
	var last uint64
	folded := false
	for {
		entries, next, err := s.readLog(after)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			break
		}
		folded = true
		after = next
		if err := s.preload(entries); err != nil {
			return err
		}
		for _, e := range entries {
			if err := s.r.writers.ensure(s.ctx, s.tx, e.ref.w); err != nil {
				return err
			}
			if s.r.meta(e.t) == nil {
				return fmt.Errorf("fold capture log: unknown table number %d", e.t)
			}
			st, err := s.row(e.t, e.id)
			if err != nil {
				return err
			}
			s.capture(st, e.mask, e.ref)
			last = max(last, e.ref.hlc)
		}
		if err := s.flush(); err != nil {
			return fmt.Errorf("fold capture log: %w", err)
		}
		// Every cached clock is written: drop them, so memory does not grow
		// with the log.
		clear(s.rows)
		if len(entries) < foldChunk {
			break
		}
	}
	if !folded {
		return nil
	}
	if _, err := s.tx.ExecContext(s.ctx, `DELETE FROM sync_log`); err != nil {
		return fmt.Errorf("fold capture log: %w", err)
	}
	if _, err := s.tx.ExecContext(s.ctx, `UPDATE sync_state SET hlc = max(hlc, ?) WHERE id = 1`, int64(last)); err != nil {
		return fmt.Errorf("fold capture log: %w", err)
	}
	return nil
}

// readLog reads up to foldChunk capture log entries after log sequence
// after, in capture order, and returns them with the last one's sequence.
func (s *session) readLog(after int64) ([]logEntry, int64, error) {
	rows, err := s.tx.QueryContext(s.ctx, `SELECT seq, t, id, mask, hlc, w FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?`, after, foldChunk)
	if err != nil {
		return nil, 0, fmt.Errorf("fold capture log: %w", err)
	}
	defer rows.Close()
	var entries []logEntry
	for rows.Next() {
		var e logEntry
		var mask, h int64
		if err := rows.Scan(&after, &e.t, &e.id, &mask, &h, &e.ref.w); err != nil {
			return nil, 0, fmt.Errorf("fold capture log: %w", err)
		}
		e.mask, e.ref.hlc = uint64(mask), uint64(h)
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("fold capture log: %w", err)
	}
	return entries, after, nil
}

// capture records a local write of the columns in mask at clock ref.
func (s *session) capture(st *rowState, mask uint64, ref clockRef) {
	var base []baseEntry
	for _, c := range columns(mask) {
		i := st.clk.find(c)
		if i < 0 {
			continue
		}
		g := &st.clk[i]
		b := g.clockRef
		if s.r.pending(st, g) {
			var ok bool
			if b, ok = g.baseOf(c); !ok {
				continue
			}
		}
		base = addBase(base, uint64(1)<<uint(c), b)
	}
	seq := s.nextSeq()
	st.clk = st.clk.set(mask, ref, seq, base)
	st.seq = seq
	if s.r.target == "device" && st.pend == 0 {
		st.pend = seq
	}
	s.touch(st)
}

// pending reports whether group g of row st is our own write not yet
// acknowledged by the server (devices only).
func (r *Replica) pending(st *rowState, g *group) bool {
	return st.pend != 0 && g.seq >= st.pend && r.isOwn(g.w)
}

// preload reads the row clocks of every logged row in one query per table
// (instead of one lookup per row); rows without one are new.
func (s *session) preload(entries []logEntry) error {
	ids := map[int64][]string{}
	for _, e := range entries {
		k := rowKey{e.t, e.id}
		if _, ok := s.rows[k]; !ok {
			s.rows[k] = &rowState{key: k}
			ids[e.t] = append(ids[e.t], e.id)
		}
	}
	for t, list := range ids {
		arg, err := json.Marshal(list)
		if err != nil {
			return fmt.Errorf("fold capture log: %w", err)
		}
		rows, err := s.tx.QueryContext(s.ctx, `SELECT id, seq, pend, clk FROM sync_rows
			WHERE t = ? AND id IN (SELECT value FROM json_each(?))`, t, string(arg))
		if err != nil {
			return fmt.Errorf("fold capture log: %w", err)
		}
		for rows.Next() {
			var id string
			var seq int64
			var pend sql.NullInt64
			var clk []byte
			if err := rows.Scan(&id, &seq, &pend, &clk); err != nil {
				rows.Close()
				return fmt.Errorf("fold capture log: %w", err)
			}
			st := s.rows[rowKey{t, id}]
			st.seq, st.pend, st.stored = seq, pend.Int64, true
			if st.clk, err = decodeRowClock(clk); err != nil {
				rows.Close()
				return fmt.Errorf("row clock %d/%s: %w", t, id, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("fold capture log: %w", err)
		}
	}
	return nil
}
