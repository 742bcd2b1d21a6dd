package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"doorstep/sync/client/api"
)

// MaxSeq returns the highest server sequence number committed so far.
func (s *Store) MaxSeq(ctx context.Context) (int64, error) {
	return maxSeq(ctx, s.db)
}

func maxSeq(ctx context.Context, q querier) (int64, error) {
	var n int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM sync_rows`).Scan(&n); err != nil {
		return 0, fmt.Errorf("max sequence: %w", err)
	}
	return n, nil
}

// StartEpoch opens a new epoch beginning after the highest committed
// sequence, and makes it current. The serving process calls it once at
// start: cursors of earlier epochs stay valid up to where those epochs
// ended, and a database restored from a backup lacks the later epochs, so
// devices holding them fetch again from the start.
func (s *Store) StartEpoch(ctx context.Context) (string, error) {
	b := make([]byte, 8)
	if _, err := s.rand().Read(b); err != nil {
		return "", fmt.Errorf("start epoch: %w", err)
	}
	epoch := hex.EncodeToString(b)
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		seq, err := maxSeq(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO server_epochs(epoch, start_seq, started_at) VALUES (?, ?, ?)`,
			epoch, seq+1, formatTime(s.now()))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("start epoch: %w", err)
	}
	return epoch, nil
}

// Epoch returns the current epoch, starting the first one if the database
// has none yet.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	var e string
	err := s.db.QueryRowContext(ctx, `SELECT epoch FROM server_epochs ORDER BY rowid DESC LIMIT 1`).Scan(&e)
	if errors.Is(err, sql.ErrNoRows) {
		return s.StartEpoch(ctx)
	}
	if err != nil {
		return "", fmt.Errorf("current epoch: %w", err)
	}
	return e, nil
}

// Cursor is a device's position in the server's change stream: the epoch
// it was issued in, a fingerprint of the user's scope when it was issued,
// and the replica's position (a round of rows changed after Since, walked
// up to After; see replica.Cursor).
type Cursor struct {
	Epoch string
	Scope string
	Since int64
	After int64
}

// String encodes the cursor as the opaque text devices store:
// "1.<epoch>.<scope>.<since>.<after>".
func (c Cursor) String() string {
	return "1." + c.Epoch + "." + c.Scope + "." + strconv.FormatInt(c.Since, 10) + "." + strconv.FormatInt(c.After, 10)
}

// ParseCursor reads a cursor; "" is the start of the stream.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	parts := strings.Split(s, ".")
	if len(parts) != 5 || parts[0] != "1" || len(s) > 200 {
		return Cursor{}, api.Errorf(api.CodeBadRequest, "malformed cursor %q", s)
	}
	since, err1 := strconv.ParseInt(parts[3], 10, 64)
	after, err2 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil || since < 0 || after < since {
		return Cursor{}, api.Errorf(api.CodeBadRequest, "malformed cursor %q", s)
	}
	return Cursor{Epoch: parts[1], Scope: parts[2], Since: since, After: after}, nil
}

// cursorCheck is what a pull learns before it lists, in one statement
// (on PostgreSQL each statement is a round trip, and on a busy machine
// each round trip waits for a core): the current epoch, whether the
// cursor points into history this database holds, and whether any row
// moved scope during the cursor's round.
type cursorCheck struct {
	epoch string // the current epoch; "" when none was started
	valid bool   // the cursor's epoch is known and its position held
	moved bool   // scope_moves has entries of the cursor's round
}

// checkCursor checks cursor c: its epoch is known and c.After is below
// the start of the epoch opened after it (or, for the current epoch, at
// most the highest committed sequence); and whether rows moved scope at
// or after c.Since (moves.go).
func checkCursor(ctx context.Context, q querier, c Cursor) (cursorCheck, error) {
	var cur sql.NullString
	var known, moved bool
	var next sql.NullInt64
	var top int64
	err := q.QueryRowContext(ctx, `SELECT
    (SELECT epoch FROM server_epochs ORDER BY rowid DESC LIMIT 1),
    e.rowid IS NOT NULL,
    (SELECT n.start_seq FROM server_epochs n WHERE n.rowid > e.rowid ORDER BY n.rowid LIMIT 1),
    (SELECT coalesce(max(seq), 0) FROM sync_rows),
    EXISTS (SELECT 1 FROM scope_moves WHERE after_seq >= ?)
  FROM (SELECT 1 AS one) AS x LEFT JOIN server_epochs e ON e.epoch = ?`, c.Since, c.Epoch).
		Scan(&cur, &known, &next, &top, &moved)
	if err != nil {
		return cursorCheck{}, fmt.Errorf("check cursor: %w", err)
	}
	out := cursorCheck{epoch: cur.String, moved: moved}
	switch {
	case !known:
	case next.Valid:
		out.valid = c.After < next.Int64
	default:
		out.valid = c.After <= top
	}
	return out, nil
}
