package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"doorstep/sync/evidence"
)

// Evidence verification after pushes, grouped. Each verification takes
// the write lock (so it reads the state as it stands and no older verdict
// overwrites a newer one, evidence.go) and commits its verdicts; on
// PostgreSQL that lock holds back every process's merges. So, as pushes
// are merged (groupcommit.go), verifications that arrive while one runs
// wait, and the next run verifies all their records in one transaction:
// one lock, one commit, a record two of them touch verified once. Each
// gets the verdicts of its own records. If a group's run fails, each of
// its verifications runs alone, so that one fails alone. As with group
// commit, no goroutine runs in the background: the first to find the
// queue idle leads until it is empty.

// verifyReq is one verification waiting for its run.
type verifyReq struct {
	refs []evidence.RecordRef
	out  []evidence.Verdict
	err  error
	done chan struct{}
}

// verifier queues verifications. The zero value is ready.
type verifier struct {
	mu      sync.Mutex
	queue   []*verifyReq
	leading bool
}

// submit queues the verification of refs and returns its verdicts.
func (v *verifier) submit(ctx context.Context, s *Store, refs []evidence.RecordRef) ([]evidence.Verdict, error) {
	r := &verifyReq{refs: refs, done: make(chan struct{})}
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

// verifyGroup verifies the records of a group in one transaction and
// answers each of its verifications.
func (s *Store) verifyGroup(ctx context.Context, group []*verifyReq) {
	var all []evidence.RecordRef
	seen := map[evidence.RecordRef]bool{}
	for _, r := range group {
		for _, ref := range r.refs {
			if !seen[ref] {
				seen[ref] = true
				all = append(all, ref)
			}
		}
	}
	vs, err := s.verifyLocked(ctx, all)
	if err != nil && len(group) > 1 {
		for _, r := range group {
			r.out, r.err = s.verifyLocked(ctx, r.refs)
			close(r.done)
		}
		return
	}
	for _, r := range group {
		r.err = err
		mine := map[evidence.RecordRef]bool{}
		for _, ref := range r.refs {
			mine[ref] = true
		}
		for _, v := range vs {
			if mine[v.Record] {
				r.out = append(r.out, v)
			}
		}
		close(r.done)
	}
}

// verifyLocked verifies those of refs that need a verdict and stores the
// verdicts, in one write transaction.
func (s *Store) verifyLocked(ctx context.Context, refs []evidence.RecordRef) ([]evidence.Verdict, error) {
	var out []evidence.Verdict
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		out = nil
		refs, err := needingEvidence(ctx, tx, refs)
		if err != nil || len(refs) == 0 {
			return err
		}
		vs, err := evidence.VerifyRecords(ctx, tx, s.Verifier(), refs)
		if err != nil {
			return err
		}
		if _, err := evidence.WriteVerdicts(ctx, tx, vs, s.now()); err != nil {
			return err
		}
		out = vs
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify evidence: %w", err)
	}
	return out, nil
}
