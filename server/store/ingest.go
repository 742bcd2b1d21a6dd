package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/client/api"
	"doorstep/sync/hlc"
	"doorstep/sync/replica"
	"doorstep/sync/wire"
)

// IngestResult is what Ingest did with a push.
type IngestResult struct {
	Ack api.PushAck
	// Replayed: the batch was stored before; nothing changed and Ack is the
	// original acknowledgement (committed with the batch's changes).
	Replayed bool
}

// Ingest stores a device's push, all of it or nothing, and returns the
// acknowledgement to send once it returns (the changes are committed by
// then). The caller has checked the changeset's site, users and clocks.
//
// In order: a batch stored before returns its acknowledgement again when
// set repeats (some or all of) its changes, and is CodeBatchReused when set
// holds any other change; every
// change must be within the user's rights, for the row as stored and as the
// push would leave it (CodeForbiddenRole, CodeForbiddenScope), and may not
// edit an event that exists already (CodeAppendOnly); then the replica
// merges the changes in one transaction, recording conflicts.
//
// Pushes that arrive together are checked one by one and merged in one
// transaction (group commit, groupcommit.go); each is acknowledged only
// after that transaction commits, and a push that fails its checks fails
// alone.
func (s *Store) Ingest(ctx context.Context, d Device, u *scope.User, set *change.Set) (IngestResult, error) {
	return s.commits.submit(ctx, s, newPushReq(d, u, set))
}

// checkPush runs a push's checks against the committed state: its batch
// (a replay is answered here, done), the changeset's validity, and the
// user's rights over every row. Checks of each change that need no other
// push (evidence verification, say) belong here too: a push failing them
// fails alone, before any merge.
func (s *Store) checkPush(ctx context.Context, r *pushReq) (res IngestResult, done bool, err error) {
	d, u, set := r.d, r.u, r.set
	if res, ok, err := s.storedAnswer(ctx, d, set); err != nil || ok {
		return res, true, err
	}
	if err := wire.Validate(set, schema.Reg); err != nil {
		return IngestResult{}, true, applyError(set.Batch, err, s.now())
	}
	if err := s.checkRights(ctx, u, set); err != nil {
		return IngestResult{}, true, err
	}
	return IngestResult{}, false, nil
}

// applyOne merges one checked push in its own transaction.
func (s *Store) applyOne(ctx context.Context, r *pushReq) (IngestResult, error) {
	d, u, set := r.d, r.u, r.set
	// The batch's blob references and its acknowledgement are written in
	// the transaction that merges its changes: a crash leaves all of them
	// or none, so a replay is answered with the one acknowledgement sent.
	var ack api.PushAck
	res, err := s.eng.apply(ctx, set, func(tx *sql.Tx, res replica.Result) error {
		if err := recordBlobRefs(ctx, tx, d, u, set); err != nil {
			return err
		}
		seq, err := maxSeq(ctx, tx)
		if err != nil {
			return err
		}
		ack = api.PushAck{BatchID: set.Batch, Seq: seq, Changes: len(set.Changes), Conflicts: res.Conflicts}
		return s.storeAck(ctx, tx, d, ack, set)
	})
	stored := errors.Is(err, errBatchStored)
	if err != nil && !stored {
		return IngestResult{}, applyError(set.Batch, err, s.now())
	}
	if res.Duplicate || stored {
		// Stored meanwhile by another server process sharing the database
		// (the same batch sent to two of them at once; the engine's batch
		// record, or the acknowledgement if the other merged it in a
		// group): answer with its acknowledgement, as for any replay.
		if res, ok, err := s.storedAnswer(ctx, d, set); err != nil || ok {
			return res, err
		}
		if stored {
			// Stored a moment ago and gone already: nothing prunes so
			// recent an acknowledgement, so this is not expected; the
			// merge was undone, and the device pushes again.
			return IngestResult{}, fmt.Errorf("ingest %s: %w, and cannot be read", set.Batch, errBatchStored)
		}
		// Applied before, by a server older than the acknowledgement in the
		// same transaction, or by a replica path without one: acknowledge
		// it afresh.
		seq, err := s.MaxSeq(ctx)
		if err != nil {
			return IngestResult{}, err
		}
		ack = api.PushAck{BatchID: set.Batch, Seq: seq, Changes: len(set.Changes)}
		err = s.writeTx(ctx, func(tx *sql.Tx) error { return s.storeAck(ctx, tx, d, ack, set) })
		if err != nil {
			return IngestResult{}, err
		}
	}
	return IngestResult{Ack: ack, Replayed: res.Duplicate || stored}, nil
}

// applyError maps a replica refusal to the API's codes. The handler
// checks the same things first, so these are the last line of defence.
func applyError(batch string, err error, now time.Time) error {
	var drift *hlc.DriftError
	if errors.As(err, &drift) {
		return &api.Error{Code: api.CodeClockAhead, ServerTime: &now,
			Message: fmt.Sprintf("batch %s: %v: set the device's date and time", batch, drift)}
	}
	if code, ok := WireCode(err); ok {
		return &api.Error{Code: code, Message: err.Error()}
	}
	return fmt.Errorf("ingest %s: %w", batch, err)
}

// WireCode is the API code of a changeset the wire package refuses (an
// unknown table or column, a bad value, too large, another schema); false
// for any other error. The push handler and Ingest both answer with it.
func WireCode(err error) (api.Code, bool) {
	switch {
	case errors.Is(err, wire.ErrUnknownTable):
		return api.CodeUnknownTable, true
	case errors.Is(err, wire.ErrUnknownColumn):
		return api.CodeUnknownColumn, true
	case errors.Is(err, wire.ErrBadValue):
		return api.CodeBadValue, true
	case errors.Is(err, wire.ErrSchemaVersion):
		return api.CodeSchemaTooNew, true
	case errors.Is(err, wire.ErrTooLarge):
		return api.CodeTooLarge, true
	}
	return "", false
}

// storedAnswer answers a push whose batch was stored before (ok): with
// the stored acknowledgement when set repeats (some of) its changes, else
// CodeBatchReused.
func (s *Store) storedAnswer(ctx context.Context, d Device, set *change.Set) (res IngestResult, ok bool, err error) {
	ack, digests, ok, err := s.storedAck(ctx, d.SiteID, set.Batch)
	if err != nil || !ok {
		return IngestResult{}, ok, err
	}
	if !replayOf(digests, set) {
		return IngestResult{}, true, api.Errorf(api.CodeBatchReused,
			"batch %s was stored before with other changes; a batch id names one changeset (a replay may only repeat its changes)", set.Batch)
	}
	return IngestResult{Ack: ack, Replayed: true}, true, nil
}

// storedAck returns the acknowledgement of a batch stored before and the
// fingerprints of its changes (see batchDigests).
func (s *Store) storedAck(ctx context.Context, site, batch string) (api.PushAck, []byte, bool, error) {
	var raw string
	var digests []byte
	err := s.db.QueryRowContext(ctx, `SELECT ack, digests FROM push_batches WHERE site_id = ? AND batch_id = ?`, site, batch).Scan(&raw, &digests)
	if errors.Is(err, sql.ErrNoRows) {
		return api.PushAck{}, nil, false, nil
	}
	if err != nil {
		return api.PushAck{}, nil, false, fmt.Errorf("batch %s: %w", batch, err)
	}
	var ack api.PushAck
	if err := json.Unmarshal([]byte(raw), &ack); err != nil {
		return api.PushAck{}, nil, false, fmt.Errorf("batch %s: stored acknowledgement: %w", batch, err)
	}
	return ack, digests, true, nil
}

// errBatchStored: a batch being acknowledged was stored since its push
// was checked (storeAcks). The merge is undone and the push answered as a
// replay (or refused as a reused batch id), as if it had arrived after.
var errBatchStored = errors.New("the batch was stored meanwhile")

// storeAck records a batch's acknowledgement with the fingerprints of its
// changes, and the device's last push, in tx.
func (s *Store) storeAck(ctx context.Context, tx *sql.Tx, d Device, ack api.PushAck, set *change.Set) error {
	return s.storeAcks(ctx, tx, []storedPush{{d, ack, set}})
}

// storedPush is a push whose acknowledgement storeAcks records.
type storedPush struct {
	d   Device
	ack api.PushAck
	set *change.Set
}

// storeAcks records the acknowledgements of pushes merged in tx, in a few
// statements whatever their number: a group's merge holds the write lock
// (on PostgreSQL, every process's), and two round trips a push under it
// added up.
func (s *Store) storeAcks(ctx context.Context, tx *sql.Tx, ps []storedPush) error {
	received := formatTime(s.now())
	for rest := ps; len(rest) > 0; {
		// Powers of two: few statement texts (floorPow2).
		part := rest[:floorPow2(len(rest))]
		rest = rest[len(part):]
		args := make([]any, 0, 6*len(part))
		for _, p := range part {
			raw, err := json.Marshal(p.ack)
			if err != nil {
				return fmt.Errorf("batch %s: %w", p.ack.BatchID, err)
			}
			args = append(args, p.d.SiteID, p.ack.BatchID, p.d.ID, string(raw), received, batchDigests(p.set))
		}
		q := `INSERT INTO push_batches(site_id, batch_id, device_id, ack, received_at, digests) VALUES (?, ?, ?, ?, ?, ?)` +
			strings.Repeat(`, (?, ?, ?, ?, ?, ?)`, len(part)-1) + ` ON CONFLICT DO NOTHING`
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("record batch %s and %d more: %w", part[0].ack.BatchID, len(part)-1, err)
		}
		// Fewer rows than pushes: a batch id was stored meanwhile (by
		// another process, which checked it at the same time) or twice in
		// this group. The transaction must not commit: its merge would
		// acknowledge a changeset under an id that names another, or a
		// second time under a new acknowledgement.
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record batch %s and %d more: %w", part[0].ack.BatchID, len(part)-1, err)
		} else if n != int64(len(part)) {
			return fmt.Errorf("record batch %s and %d more: %w", part[0].ack.BatchID, len(part)-1, errBatchStored)
		}
	}
	// Each device's last push: its highest sequence number of these.
	last := map[string]int64{}
	var devices []string
	for _, p := range ps {
		if _, ok := last[p.d.ID]; !ok {
			devices = append(devices, p.d.ID)
		}
		last[p.d.ID] = max(last[p.d.ID], p.ack.Seq)
	}
	bySeq := map[int64][]any{}
	var seqs []int64
	for _, id := range devices {
		q := last[id]
		if bySeq[q] == nil {
			seqs = append(seqs, q)
		}
		bySeq[q] = append(bySeq[q], id)
	}
	for _, q := range seqs {
		in, args := inList(bySeq[q])
		if _, err := tx.ExecContext(ctx, `UPDATE devices SET last_push_seq = ? WHERE id IN (`+in+`) AND last_push_seq < ?`,
			append(append([]any{q}, args...), q)...); err != nil {
			return fmt.Errorf("record last push of %d devices: %w", len(bySeq[q]), err)
		}
	}
	return nil
}

// recordBlobRefs notes in tx which rows reference which blobs (any 64-hex
// run in a text value), so that whoever may read such a row may read the
// blob. Knowing a hash is not enough: a reference grants access only when
// the pushing device uploaded the blob, or the blob is referenced already
// by a row the pushing user may read. A reference to a blob not stored yet
// waits in blob_pending_refs until the pushing device uploads it; any
// other reference grants nothing (the row keeps its text).
func recordBlobRefs(ctx context.Context, tx *sql.Tx, d Device, u *scope.User, set *change.Set) error {
	type ref struct{ hash, table, id string }
	var refs []ref
	seen := map[ref]bool{}
	for _, c := range set.Changes {
		if v, ok := c.Value.(string); ok {
			for _, h := range blobRefs(v) {
				r := ref{h, c.Table, c.ID}
				if !seen[r] {
					seen[r] = true
					refs = append(refs, r)
				}
			}
		}
	}
	for _, r := range refs {
		var stored int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM blobs WHERE hash = ?`, r.hash).Scan(&stored); err != nil {
			return fmt.Errorf("blob reference %s: %w", r.hash, err)
		}
		if stored == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO blob_pending_refs(hash, device_id, tbl, row_id) VALUES (?, ?, ?, ?)
				ON CONFLICT DO NOTHING`,
				r.hash, d.ID, r.table, r.id); err != nil {
				return fmt.Errorf("record pending blob reference %s: %w", r.hash, err)
			}
			continue
		}
		ok, err := canReadBlob(ctx, tx, u, d.ID, r.hash)
		if err != nil {
			return fmt.Errorf("blob reference %s: %w", r.hash, err)
		}
		if !ok {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO blob_refs(hash, tbl, row_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, r.hash, r.table, r.id); err != nil {
			return fmt.Errorf("record blob reference %s: %w", r.hash, err)
		}
	}
	return nil
}
