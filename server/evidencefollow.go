package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/xid"

	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/evidence"
)

// The evidence follower. A push is answered as soon as its merge commits;
// the evidence of the records it touched is verified afterwards, by the
// follower of whichever server process holds the verification lease,
// from the change log above a watermark kept in the database
// (server/store/verifyfollow.go). So a push no longer waits for its
// verification (most of its time on PostgreSQL, docs/LOAD.md), many
// pushes' records are verified in one snapshot and one write, and a
// process that stops between a commit and its verification leaves
// nothing unverified: the next holder of the lease starts from the
// watermark. The verdicts reach the office a moment after the push
// instead of with it; doorstep_evidence_lag_rows in /metrics counts the
// changed rows still waiting.

// followPage bounds the changed rows one verification takes: a page's
// records are verified from one snapshot and their verdicts written in
// one transaction, which a larger page would hold longer (and more
// likely find stale under load, verifysnap.go).
const followPage = 256

// follower is a server's side of the verification lease.
type follower struct {
	wake   chan struct{} // a push committed (capacity 1: wakes coalesce)
	holder string        // this process in the lease

	mu    sync.Mutex   // one verification pass at a time
	lease store.Follow // as last written by this process; zero: not held

	// verify verifies changed rows and stores their verdicts: nil is the
	// store's VerifyRows (tests put a failing one in its place).
	verify func(context.Context, []change.RowRef) ([]evidence.Verdict, error)
}

func newFollower() follower {
	return follower{wake: make(chan struct{}, 1), holder: xid.New().String()}
}

// kick tells the follower that something was stored.
func (f *follower) kick() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// followEvidence verifies what is stored whenever a push commits here,
// and every Config.VerifyEvery for what was stored elsewhere, until ctx
// ends; then it gives the lease up.
func (s *Server) followEvidence(ctx context.Context) {
	t := time.NewTicker(s.cfg.VerifyEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.releaseLease()
			return
		case <-s.follow.wake:
		case <-t.C:
		}
		if _, err := s.VerifyPending(ctx); err != nil && !errors.Is(err, store.ErrLeaseHeld) && ctx.Err() == nil {
			s.log.Error("verify evidence", "err", err)
		}
	}
}

// VerifyPending verifies the evidence of every change stored above the
// watermark, a page at a time, moving the watermark after each page's
// verdicts are written, until none is left. It returns how many changed
// rows it went through, and store.ErrLeaseHeld (having done nothing)
// while another process holds the lease. Run calls it; tests and tools
// call it to have everything stored verified now.
func (s *Server) VerifyPending(ctx context.Context) (int, error) {
	f := &s.follow
	f.mu.Lock()
	defer f.mu.Unlock()
	lease, err := s.store.ClaimFollow(ctx, f.holder, s.cfg.VerifyLease)
	if err != nil {
		f.lease = store.Follow{}
		return 0, err
	}
	f.lease = lease
	n := 0
	for {
		rows, reached, err := s.store.ChangedAfter(ctx, f.lease.Mark, followPage)
		if err != nil {
			return n, err
		}
		if reached == f.lease.Mark {
			return n, nil
		}
		if err := s.verifyChanged(ctx, rows); err != nil {
			return n, err // the watermark stays: the next pass tries again
		}
		next, ok, err := s.store.AdvanceFollow(ctx, f.lease, reached, s.cfg.VerifyLease)
		if err != nil {
			return n, err
		}
		if !ok {
			// The lease ran out during the page and another process took
			// it: its holder verifies from the watermark it found.
			f.lease = store.Follow{}
			return n, store.ErrLeaseHeld
		}
		f.lease = next
		n += len(rows)
	}
}

// verifyChanged verifies the records the changed rows touch and stores
// their verdicts. If the page as a whole fails, its rows are verified one
// at a time, so that one record that cannot be verified does not hold the
// others back: those that fail are logged, counted and skipped (`evidence
// verify` audits them). Only if every row fails — the database, most
// likely — is the page left for the next pass.
func (s *Server) verifyChanged(ctx context.Context, rows []change.RowRef) error {
	// The server's own verdicts change rows too; they touch no record.
	kept := rows[:0:0]
	for _, r := range rows {
		if r.Table != "evidence_verdicts" {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	verify := s.follow.verify
	if verify == nil {
		verify = s.store.VerifyRows
	}
	vs, err := verify(ctx, kept)
	if err == nil {
		s.logVerdicts("changes", fmt.Sprint(len(kept)), vs, nil)
		return nil
	}
	if ctx.Err() != nil {
		return err
	}
	s.log.Warn("verify evidence of a page of changes; trying its rows one at a time", "rows", len(kept), "err", err)
	type failure struct {
		row change.RowRef
		err error
	}
	var failed []failure
	for _, r := range kept {
		vs, err := verify(ctx, []change.RowRef{r})
		if err != nil {
			failed = append(failed, failure{r, err})
			continue
		}
		s.logVerdicts("row", r.Table+"/"+r.ID, vs, nil)
	}
	if len(failed) == len(kept) {
		return fmt.Errorf("verify evidence of %d changed rows: %w", len(kept), failed[0].err)
	}
	for _, x := range failed {
		s.metrics.VerifyFailures.Add(1)
		s.log.Error("verify evidence; skipped", "table", x.row.Table, "row", x.row.ID, "err", x.err)
	}
	return nil
}

// releaseLease gives the lease up if this process holds it, whatever it
// last learnt of it (a pass interrupted by the stop may not know it holds
// it).
func (s *Server) releaseLease() {
	f := &s.follow
	f.mu.Lock()
	defer f.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.store.ReleaseFollow(ctx, f.holder); err != nil {
		s.log.Warn("give up the evidence lease", "err", err)
	}
	f.lease = store.Follow{}
}
