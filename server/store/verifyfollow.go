package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"doorstep/sync/change"
)

// Evidence verification follows the change log. A push is answered once
// its merge commits; its records are verified afterwards, by whichever
// server process holds the verification lease, from the synced rows whose
// sequence number is above a durable watermark. One row of server_meta,
// evidence_follow, holds "<mark> <holder> <until>": the watermark (every
// synced row changed at or below mark has been through a verification
// whose verdicts are committed), the process holding the lease, and when
// the lease ends (Unix milliseconds, the store's clock). Every update of
// it compares the whole value it read and sets the next one in one
// statement, so a process whose lease expired and was taken over cannot
// move the watermark back or forth: its update matches nothing.
//
// Why the watermark never skips a row: sequence numbers become visible in
// order (SQLite has one writer; on PostgreSQL they are handed out at
// commit under the write lock, pgengine.go), so a read of the rows above
// mark sees a prefix of what will ever be there. A process that stops
// between writing verdicts and moving the watermark leaves the rows above
// it, and the next holder verifies them again: verification is
// idempotent (only changed verdicts are written).

// followKey is evidence_follow's key in server_meta.
const followKey = "evidence_follow"

// Follow is the state of the verification lease and watermark.
type Follow struct {
	// Mark is the watermark: the rows changed at or below it are verified.
	Mark int64
	// Holder is the lease's holder ("-" for none) and Until its end.
	Holder string
	Until  time.Time
}

func (f Follow) String() string {
	return strconv.FormatInt(f.Mark, 10) + " " + f.Holder + " " + strconv.FormatInt(f.Until.UnixMilli(), 10)
}

func parseFollow(v string) (Follow, error) {
	parts := strings.Fields(v)
	if len(parts) != 3 {
		return Follow{}, fmt.Errorf("evidence_follow %q: want \"<mark> <holder> <until>\"", v)
	}
	mark, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return Follow{}, fmt.Errorf("evidence_follow %q: mark: %w", v, err)
	}
	until, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return Follow{}, fmt.Errorf("evidence_follow %q: lease end: %w", v, err)
	}
	return Follow{Mark: mark, Holder: parts[1], Until: time.UnixMilli(until).UTC()}, nil
}

// initFollow creates evidence_follow if it is missing, with the watermark
// at the highest sequence number stored: a database from before the
// follower had every push verified as it arrived. (WHERE true: SQLite's
// grammar needs a WHERE before ON CONFLICT in an INSERT … SELECT.)
func (s *Store) initFollow(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO server_meta (key, value)
		SELECT ?, CAST(coalesce(max(seq), 0) AS TEXT) || ' - 0' FROM sync_rows WHERE true
		ON CONFLICT (key) DO NOTHING`, followKey)
	if err != nil {
		return fmt.Errorf("create the evidence watermark: %w", err)
	}
	return nil
}

// ReadFollow returns the verification lease and watermark.
func (s *Store) ReadFollow(ctx context.Context) (Follow, error) {
	var v string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM server_meta WHERE key = ?`, followKey).Scan(&v); err != nil {
		return Follow{}, fmt.Errorf("read the evidence watermark: %w", err)
	}
	return parseFollow(v)
}

// ErrLeaseHeld: another process holds the verification lease.
var ErrLeaseHeld = errors.New("the evidence verification lease is held by another process")

// ClaimFollow takes the verification lease for holder until now+d, or
// renews it if less than half of d is left, and returns the state with it. It fails with ErrLeaseHeld while
// another holder's lease runs.
func (s *Store) ClaimFollow(ctx context.Context, holder string, d time.Duration) (Follow, error) {
	if holder == "" || holder == "-" || strings.ContainsAny(holder, " \t\n") {
		return Follow{}, fmt.Errorf("claim the evidence lease: bad holder %q", holder)
	}
	for {
		cur, err := s.ReadFollow(ctx)
		if err != nil {
			return Follow{}, err
		}
		now := s.now()
		if cur.Holder != holder && cur.Holder != "-" && now.Before(cur.Until) {
			return cur, ErrLeaseHeld
		}
		if cur.Holder == holder && cur.Until.Sub(now) > d/2 {
			// Held with more than half its time left: an idle holder
			// looking every second writes nothing.
			return cur, nil
		}
		next := Follow{Mark: cur.Mark, Holder: holder, Until: now.Add(d)}
		ok, err := s.swapFollow(ctx, cur, next)
		if err != nil {
			return Follow{}, fmt.Errorf("claim the evidence lease: %w", err)
		}
		if ok {
			return next, nil
		}
		// Someone else moved it between the read and the swap: look again.
	}
}

// AdvanceFollow moves the watermark of a lease held as cur to mark and
// renews the lease until now+d. It reports false, changing nothing, when
// the state is no longer cur (the lease was lost).
func (s *Store) AdvanceFollow(ctx context.Context, cur Follow, mark int64, d time.Duration) (Follow, bool, error) {
	next := Follow{Mark: mark, Holder: cur.Holder, Until: s.now().Add(d)}
	ok, err := s.swapFollow(ctx, cur, next)
	if err != nil {
		return cur, false, fmt.Errorf("move the evidence watermark to %d: %w", mark, err)
	}
	if !ok {
		return cur, false, nil
	}
	return next, true, nil
}

// ReleaseFollow gives up the lease if holder holds it (a process
// stopping), so that another process need not wait for it to run out. It
// goes by the holder, not by the state the caller last saw: a stop can
// interrupt a claim or an advance after the database took it but before
// the caller learnt so, and the lease must still be given up.
func (s *Store) ReleaseFollow(ctx context.Context, holder string) error {
	for {
		cur, err := s.ReadFollow(ctx)
		if err != nil {
			return fmt.Errorf("release the evidence lease: %w", err)
		}
		if cur.Holder != holder {
			return nil
		}
		next := Follow{Mark: cur.Mark, Holder: "-", Until: time.UnixMilli(0).UTC()}
		ok, err := s.swapFollow(ctx, cur, next)
		if err != nil {
			return fmt.Errorf("release the evidence lease: %w", err)
		}
		if ok {
			return nil
		}
	}
}

// swapFollow sets evidence_follow to next if it still reads cur.
func (s *Store) swapFollow(ctx context.Context, cur, next Follow) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE server_meta SET value = ? WHERE key = ? AND value = ?`,
		next.String(), followKey, cur.String())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ChangedAfter lists the synced rows whose latest change has a sequence
// number above after, at most limit of them in sequence order, and the
// sequence number the listing reached (after itself when none).
func (s *Store) ChangedAfter(ctx context.Context, after int64, limit int) ([]change.RowRef, int64, error) {
	return s.eng.changedAfter(ctx, after, limit)
}

// SkipVerification moves the watermark past every change stored so far
// without verifying them. It is for bulk loads of history that no device
// signed — the demo district — which the follower would only flag as
// unsigned, record after record; what changes afterwards is verified as
// usual. The lease is left as it is.
func (s *Store) SkipVerification(ctx context.Context) error {
	// Listing from the end folds SQLite's capture log (the load's own
	// writes) into sequence numbers, and lists nothing.
	if _, _, err := s.eng.changedAfter(ctx, math.MaxInt64, 1); err != nil {
		return fmt.Errorf("skip verification: %w", err)
	}
	top, err := s.MaxSeq(ctx)
	if err != nil {
		return fmt.Errorf("skip verification: %w", err)
	}
	for {
		cur, err := s.ReadFollow(ctx)
		if err != nil {
			return err
		}
		if cur.Mark >= top {
			return nil
		}
		next := cur
		next.Mark = top
		ok, err := s.swapFollow(ctx, cur, next)
		if err != nil {
			return fmt.Errorf("skip verification: %w", err)
		}
		if ok {
			return nil
		}
	}
}

// FollowLag counts the synced rows changed above the watermark: zero when
// every stored change has been through evidence verification. On SQLite
// it counts the capture log's entries too (the server's own writes, which
// get their sequence numbers when the next read or merge folds them).
func (s *Store) FollowLag(ctx context.Context) (int64, error) {
	f, err := s.ReadFollow(ctx)
	if err != nil {
		return 0, err
	}
	q := `SELECT count(*) FROM sync_rows WHERE seq > ?`
	if s.rep != nil {
		q = `SELECT (SELECT count(*) FROM sync_rows WHERE seq > ?) + (SELECT count(*) FROM sync_log)`
	}
	var n int64
	if err := s.db.QueryRowContext(ctx, q, f.Mark).Scan(&n); err != nil {
		return 0, fmt.Errorf("evidence lag: %w", err)
	}
	return n, nil
}
