package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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
// it, a row moving under it), and the evidence follower verifies that
// write's rows in turn (server/evidencefollow.go).
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
	// Two statements a table of records (a chunk of ids each), not two a
	// record: a push touching a household re-verifies all its visits.
	var tables []string
	ids := map[string][]any{}
	for _, r := range refs {
		if _, ok := ids[r.Table]; !ok {
			tables = append(tables, r.Table)
		}
		ids[r.Table] = append(ids[r.Table], r.ID)
	}
	need := map[evidence.RecordRef]bool{}
	collect := func(table, query string, lead []any, list []any) error {
		for start := 0; start < len(list); start += needChunk {
			in, args := inList(list[start:min(start+needChunk, len(list))])
			rows, err := q.QueryContext(ctx, strings.Replace(query, "%s", in, 1), append(append([]any{}, lead...), args...)...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				need[evidence.RecordRef{Table: table, ID: id}] = true
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	for _, t := range tables {
		if err := collect(t, `SELECT record_id FROM evidence_entries WHERE record_table = ? AND record_id IN (%s)`,
			[]any{t}, ids[t]); err != nil {
			return nil, fmt.Errorf("evidence of %d %s records: %w", len(ids[t]), t, err)
		}
		k, ok := evidence.KindOf(t)
		if !ok || k.Submitted == "" {
			continue
		}
		var rest []any
		for _, id := range ids[t] {
			if !need[evidence.RecordRef{Table: t, ID: id.(string)}] {
				rest = append(rest, id)
			}
		}
		// Names come from the registered kind.
		if err := collect(t, `SELECT id FROM `+k.Table+` WHERE id IN (%s) AND deleted = 0 AND (`+k.Submitted+`)`,
			nil, rest); err != nil {
			return nil, fmt.Errorf("state of %d %s records: %w", len(rest), t, err)
		}
	}
	var out []evidence.RecordRef
	for _, r := range refs {
		if need[r] {
			out = append(out, r)
			delete(need, r) // each once
		}
	}
	return out, nil
}

// needChunk bounds the ids of one needingEvidence statement.
const needChunk = 256

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
