package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"doorstep/sync/change"
	"doorstep/sync/evidence"
	"doorstep/sync/replica"
)

// Verifier is the evidence verifier over this store: the devices' keys
// (the devices table), the blob folder and the replica's field clocks.
func (s *Store) Verifier() evidence.Verifier {
	return evidence.Verifier{
		Keys:   s,
		Blobs:  evidence.BlobDir{Dir: s.blobDir, Sharded: true},
		Clocks: evidence.ReplicaClocks{Replica: storeRows{s}},
	}
}

// storeRows reads rows with their clocks from the store's engine, on
// either backend.
type storeRows struct{ s *Store }

// RowState implements evidence.RowStater.
func (r storeRows) RowState(ctx context.Context, table, id string) (replica.Row, bool, error) {
	return r.s.eng.rowState(ctx, table, id)
}

// VerifyRows verifies the evidence of every record the rows touch (a
// push's rows: records, their households and members, evidence entries;
// evidence.RecordsTouched) and stores the verdicts in evidence_verdicts as
// the server's own writes, so they sync to the office. It runs in its own
// transaction, after the push committed: a record that fails verification
// is stored all the same, and flagged. Records that are neither submitted
// nor named by an entry (drafts) get no verdict. It returns the verdicts
// it computed.
//
// The verdicts are computed from a snapshot, without the write lock, and
// written under it only if nothing they rest on changed meanwhile — else
// from a new snapshot, the third time under the lock from the state as it
// stands then — so a verification never writes a verdict older than the
// state it writes it in (verifysnap.go). When no record needs a verdict (a draft, an edit of
// a household with no submitted visit: most pushes), no lock is taken at
// all. That is safe: a record that comes to need a verdict after the
// snapshot does so through another write (its submission, an entry naming
// it, a row moving under it), and the push making that write verifies it.
// Verifications that arrive together write in one transaction
// (verifygroup.go).
func (s *Store) VerifyRows(ctx context.Context, rows []change.RowRef) ([]evidence.Verdict, error) {
	return s.verify(ctx, func(q evidence.Querier) ([]evidence.RecordRef, error) {
		return evidence.RecordsTouched(ctx, q, rows)
	})
}

// VerifyAttachment re-verifies the records whose evidence names the blob
// hash (an upload that just completed) and stores their verdicts, as
// VerifyRows does.
func (s *Store) VerifyAttachment(ctx context.Context, hash string) ([]evidence.Verdict, error) {
	return s.verify(ctx, func(q evidence.Querier) ([]evidence.RecordRef, error) {
		return evidence.RecordsWithAttachment(ctx, q, hash)
	})
}

func (s *Store) verify(ctx context.Context, records func(q evidence.Querier) ([]evidence.RecordRef, error)) ([]evidence.Verdict, error) {
	if s.verifies.underLock {
		refs, err := records(s.db)
		if err != nil {
			return nil, fmt.Errorf("verify evidence: %w", err)
		}
		if need, err := needingEvidence(ctx, s.db, refs); err != nil || len(need) == 0 {
			return nil, err
		}
		r := &verifyReq{refs: refs}
		out, err := s.verifies.submit(ctx, s, r)
		if err == nil {
			s.verifies.count(0, true)
		}
		return out, err
	}
	for try := 1; ; try++ {
		release := s.verifies.slot()
		refs, snap, err := s.snapshotVerify(ctx, records)
		release()
		if err != nil || snap == nil {
			return nil, err
		}
		if f := s.verifies.afterSnapshot; f != nil {
			f()
		}
		r := &verifyReq{refs: refs, snap: snap, last: try >= snapshotTries}
		out, err := s.verifies.submit(ctx, s, r)
		if err != nil || !r.stale {
			if err == nil {
				s.verifies.count(try, r.locked)
			}
			return out, err
		}
	}
}

// snapshotTries is how many snapshots a verification takes before it
// computes its verdicts under the write lock: each try that finds its
// snapshot stale (something it read changed meanwhile) costs the lock a
// few statements, a verification under it tens a record.
const snapshotTries = 3

// needingEvidence keeps the records that are submitted (their kind's
// Submitted condition, not deleted) or that an evidence entry names.
func needingEvidence(ctx context.Context, q querier, refs []evidence.RecordRef) ([]evidence.RecordRef, error) {
	var out []evidence.RecordRef
	for _, r := range refs {
		var one int
		err := q.QueryRowContext(ctx, `SELECT 1 FROM evidence_entries WHERE record_table = ? AND record_id = ? LIMIT 1`, r.Table, r.ID).Scan(&one)
		if err == nil {
			out = append(out, r)
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("evidence of %s %s: %w", r.Table, r.ID, err)
		}
		k, ok := evidence.KindOf(r.Table)
		if !ok || k.Submitted == "" {
			continue
		}
		// Names come from the registered kind.
		err = q.QueryRowContext(ctx, `SELECT 1 FROM `+k.Table+` WHERE id = ? AND deleted = 0 AND (`+k.Submitted+`)`, r.ID).Scan(&one)
		switch {
		case err == nil:
			out = append(out, r)
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("state of %s %s: %w", r.Table, r.ID, err)
		}
	}
	return out, nil
}

// EvidenceAudit verifies every submitted record of the database, or of one
// household when household is not empty, as an auditor would
// (evidence.Audit), without storing anything.
func (s *Store) EvidenceAudit(ctx context.Context, household string) ([]evidence.Verdict, error) {
	vs, err := evidence.Audit(ctx, s.db, s.Verifier(), household)
	if err != nil {
		return nil, fmt.Errorf("evidence audit: %w", err)
	}
	return vs, nil
}

// StoreVerdicts stores verdicts in evidence_verdicts as the server's own
// writes (only those that changed), so they sync to the office.
func (s *Store) StoreVerdicts(ctx context.Context, vs []evidence.Verdict) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := evidence.WriteVerdicts(ctx, tx, vs, s.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("store verdicts: %w", err)
	}
	return nil
}
