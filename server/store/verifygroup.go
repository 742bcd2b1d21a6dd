package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"doorstep/sync/evidence"
)

// Evidence verification after pushes, grouped. Each verification's
// verdicts are computed without the lock, from a snapshot
// (verifysnap.go), and written under it, after checking that nothing they
// rest on changed since (else they are computed again there), so that a
// verification never writes a verdict older than the state it is written
// in. On PostgreSQL the write lock holds back every process's merges. So,
// as pushes are merged (groupcommit.go), verifications that arrive while
// one group is written wait, and the next group checks and writes all
// their verdicts in one transaction: one lock, one commit, a handful of
// statements for the check. Each gets the verdicts of its own records. If
// a group's run fails, each of its verifications runs alone, so that one
// fails alone. As with group commit, no goroutine runs in the background:
// the first to find the queue idle leads until it is empty.

// verifyReq is one verification waiting for its run.
type verifyReq struct {
	// refs are the records the verification is about (those touched);
	// snap their verdicts from a snapshot, nil to compute them under the
	// lock.
	refs []evidence.RecordRef
	snap *verifySnap
	// last: if the snapshot is stale, compute the verdicts under the lock
	// rather than answer stale.
	last bool
	// stale: the snapshot was, and nothing was written (take another);
	// locked: the verdicts were computed under the lock.
	stale, locked bool
	out           []evidence.Verdict
	err           error
	done          chan struct{}
}

// verifier queues verifications. The zero value is ready.
type verifier struct {
	mu      sync.Mutex
	queue   []*verifyReq
	leading bool
	stats   VerifyStats
	// afterSnapshot, when set (tests), runs between a verification's
	// snapshot and its turn under the lock.
	afterSnapshot func()
	// underLock: verify under the lock, no snapshot (SetVerifyUnderLock).
	underLock bool
	// slots bounds the snapshots taken at once (verifySlots).
	slotsOnce sync.Once
	slots     chan struct{}
}

// verifySlots is how many verifications read their snapshots at once. More
// would not finish sooner on a few cores, and each holds a connection
// while its verifier may ask the pool for another (a field's clock): on
// PostgreSQL, unbounded, they could take every connection of the pool and
// wait for one another.
const verifySlots = 4

// slot waits for a snapshot slot and returns its release.
func (v *verifier) slot() func() {
	v.slotsOnce.Do(func() { v.slots = make(chan struct{}, verifySlots) })
	v.slots <- struct{}{}
	return func() { <-v.slots }
}

// SetVerifyUnderLock makes the store verify evidence as it did before
// snapshots: which records need a verdict read without the lock, their
// verdicts computed under it. Benchmarks compare the two in one run; the
// default (false) is the right choice everywhere else. Set it before use.
func (s *Store) SetVerifyUnderLock(on bool) { s.verifies.underLock = on }

// VerifyStats counts evidence verifications by how their verdicts were
// written.
type VerifyStats struct {
	// FirstSnapshot: from their first snapshot, nothing having changed.
	FirstSnapshot int64
	// Retried: from a later snapshot, the first having gone stale.
	Retried int64
	// UnderLock: computed under the write lock, every snapshot having gone
	// stale.
	UnderLock int64
}

// VerifyStats returns how this store's evidence verifications were
// written, for tests and metrics.
func (s *Store) VerifyStats() VerifyStats {
	s.verifies.mu.Lock()
	defer s.verifies.mu.Unlock()
	return s.verifies.stats
}

// count adds one verification to the stats: answered from snapshot try,
// or under the lock.
func (v *verifier) count(try int, underLock bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case underLock:
		v.stats.UnderLock++
	case try == 1:
		v.stats.FirstSnapshot++
	default:
		v.stats.Retried++
	}
}

// submit queues a verification and answers it.
func (v *verifier) submit(ctx context.Context, s *Store, r *verifyReq) ([]evidence.Verdict, error) {
	r.done = make(chan struct{})
	v.mu.Lock()
	v.queue = append(v.queue, r)
	lead := !v.leading
	v.leading = true
	v.mu.Unlock()
	if lead {
		// Others' verifications ride in the leader's transaction.
		ctx := context.WithoutCancel(ctx)
		for {
			v.mu.Lock()
			group := v.queue
			v.queue = nil
			if len(group) == 0 {
				v.leading = false
				v.mu.Unlock()
				break
			}
			v.mu.Unlock()
			s.verifyGroup(ctx, group)
		}
	}
	<-r.done
	return r.out, r.err
}

// verifyGroup writes the verdicts of a group in one transaction and
// answers each of its verifications.
func (s *Store) verifyGroup(ctx context.Context, group []*verifyReq) {
	s.foldForLock(ctx, group)
	err := s.verifyLocked(ctx, group)
	if err != nil && len(group) > 1 {
		for _, r := range group {
			r.err = s.verifyLocked(ctx, []*verifyReq{r})
			close(r.done)
		}
		return
	}
	for _, r := range group {
		r.err = err
		close(r.done)
	}
}

// foldForLock folds SQLite's capture log before a group that may verify
// under the lock: the verifier reads field clocks through the replica
// (RowState), which folds a non-empty log first — a write, which would
// wait for the group's own write lock. A server write between this fold
// and the lock can still leave that wait, failing the group after the busy
// timeout (each verification is then retried alone).
func (s *Store) foldForLock(ctx context.Context, group []*verifyReq) {
	if s.rep == nil {
		return
	}
	for _, r := range group {
		if r.snap == nil || r.last {
			// Reading the clocks of no row folds the log when it is not
			// empty, and reads nothing else.
			s.rep.RowState(ctx, "households", "") //nolint:errcheck // best effort: a failure shows under the lock
			return
		}
	}
}

// verifyLocked writes the verdicts of a group's verifications in one write
// transaction: those of each snapshot that nothing changed under; for a
// stale snapshot none (stale is set), unless it was the verification's
// last try: then its records' verdicts are computed there, from the state
// under the lock. It sets each verification's out.
func (s *Store) verifyLocked(ctx context.Context, group []*verifyReq) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		snaps := make([]*verifySnap, len(group))
		for i, r := range group {
			snaps[i] = r.snap
			r.out, r.stale, r.locked = nil, false, false
		}
		stale, err := s.staleSnapshots(ctx, tx, snaps)
		if err != nil {
			return err
		}
		var redo []evidence.RecordRef
		seen := map[evidence.RecordRef]bool{}
		for i, r := range group {
			switch {
			case r.snap != nil && !stale[i]:
				continue
			case r.snap != nil && !r.last:
				r.stale = true
				continue
			}
			for _, ref := range r.refs {
				if !seen[ref] {
					seen[ref] = true
					redo = append(redo, ref)
				}
			}
		}
		var fresh []evidence.Verdict
		if len(redo) > 0 {
			if redo, err = needingEvidence(ctx, tx, redo); err != nil {
				return err
			}
			if len(redo) > 0 {
				if fresh, err = evidence.VerifyRecords(ctx, tx, s.Verifier(), redo); err != nil {
					return err
				}
			}
		}
		// One verdict a record: a fresh one over a snapshot's (which, its
		// snapshot not being stale, is the same).
		byRef := map[evidence.RecordRef]evidence.Verdict{}
		var order []evidence.RecordRef
		put := func(v evidence.Verdict, over bool) {
			if _, ok := byRef[v.Record]; !ok {
				order = append(order, v.Record)
			} else if !over {
				return
			}
			byRef[v.Record] = v
		}
		for i, r := range group {
			if r.snap != nil && !stale[i] {
				for _, v := range r.snap.verdicts {
					put(v, false)
				}
			}
		}
		for _, v := range fresh {
			put(v, true)
		}
		all := make([]evidence.Verdict, len(order))
		for i, ref := range order {
			all[i] = byRef[ref]
		}
		if _, err := evidence.WriteVerdicts(ctx, tx, all, s.now()); err != nil {
			return err
		}
		for i, r := range group {
			switch {
			case r.stale:
			case r.snap != nil && !stale[i]:
				r.out = r.snap.verdicts
			default:
				r.locked = true
				mine := map[evidence.RecordRef]bool{}
				for _, ref := range r.refs {
					mine[ref] = true
				}
				for _, v := range fresh {
					if mine[v.Record] {
						r.out = append(r.out, v)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		for _, r := range group {
			r.out, r.stale, r.locked = nil, false, false
		}
		return fmt.Errorf("verify evidence: %w", err)
	}
	return nil
}
