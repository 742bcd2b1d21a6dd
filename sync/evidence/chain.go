package evidence

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"doorstep/sync/replica"
)

// DB is a device database handle: a *sql.DB or a *sql.Tx.
type DB interface {
	Querier
	Execer
}

// DeviceKey returns the device's evidence key from evidence_device,
// creating it (from rand; crypto/rand when nil) on first use. Call it at
// enrollment, to send the public key, and before the first submit.
func DeviceKey(ctx context.Context, db DB, rnd io.Reader, now time.Time) (Key, error) {
	var enc string
	err := db.QueryRowContext(ctx, `SELECT private_key FROM evidence_device WHERE id = 1`).Scan(&enc)
	if err == nil {
		k, err := ParseKey(enc)
		if err != nil {
			return Key{}, fmt.Errorf("device evidence key: %w", err)
		}
		return k, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Key{}, fmt.Errorf("device evidence key: %w", err)
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	k, err := GenerateKey(rnd)
	if err != nil {
		return Key{}, err
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO evidence_device (id, private_key, public_key, created_at)
		VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING`, k.EncodePrivate(), EncodePublicKey(k.Public()),
		now.UTC().Format(timeLayout)); err != nil {
		return Key{}, fmt.Errorf("device evidence key: store: %w", err)
	}
	// Another writer may have won the race: the stored key is the key.
	return DeviceKey(ctx, db, rnd, now)
}

// Submit is what the device knows about one submit beyond the rows: which
// record, when its form was opened, and the time spent in each section.
type Submit struct {
	// Table and ID name the record; its kind decides what else it covers.
	Table, ID string
	// OpenedAt is when the form was opened (zero when not known).
	OpenedAt time.Time
	// Sections is the time spent per section, in form order.
	Sections []Section
}

// Signer is the device side of evidence: its key, its site and user, its
// clock and ids.
type Signer struct {
	Key Key
	// Site is the device's replica site id; User the signed-in user.
	Site, User string
	// Now is the wall clock (time.Now when nil); NewID makes entry row ids
	// (required: a UUID v7 in the app).
	Now   func() time.Time
	NewID func() string
}

// Append writes the evidence entry of a submit, in the submit's own
// transaction tx (on the replica's DB(), after the record's rows are
// written): it reads the record's content as tx now holds it, the chain
// head from evidence_device, signs the next entry and inserts it into
// evidence_entries — captured like any synced write, so it syncs with the
// record — and moves the chain head on. If tx rolls back, nothing of it
// remains and the chain is unchanged.
func (s Signer) Append(ctx context.Context, tx *sql.Tx, sub Submit) (Stored, error) {
	fail := func(err error) (Stored, error) {
		return Stored{}, fmt.Errorf("evidence of %s %s: %w", sub.Table, sub.ID, err)
	}
	k, ok := KindOf(sub.Table)
	if !ok {
		return fail(fmt.Errorf("no evidence kind for table %s", sub.Table))
	}
	if s.NewID == nil || s.Site == "" {
		return fail(errors.New("signer needs a site and NewID"))
	}
	rec, err := LoadRecord(ctx, tx, k, sub.ID)
	if err != nil {
		return fail(err)
	}
	content, err := rec.Content()
	if err != nil {
		return fail(err)
	}
	var next int64
	var head, pub string
	if err := tx.QueryRowContext(ctx, `SELECT next_index, head_hash, public_key FROM evidence_device WHERE id = 1`).
		Scan(&next, &head, &pub); err != nil {
		return fail(fmt.Errorf("read chain head (is the device key made?): %w", err))
	}
	if pub != EncodePublicKey(s.Key.Public()) {
		return fail(errors.New("signer key is not the device's evidence key"))
	}
	prev, err := ParseHash(head)
	if err != nil {
		return fail(fmt.Errorf("chain head: %w", err))
	}
	clock, err := replica.TxHLC(ctx, tx)
	if err != nil {
		return fail(err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	wall := now().UTC().Truncate(time.Millisecond)
	e := Entry{
		RecordTable: k.Table, RecordID: sub.ID,
		Community: rec.Community, Household: rec.Household, Elder: rec.Elder, Pairing: rec.Pairing,
		ContentHash: ContentHash(content), Attachments: attachmentsOf(k, sub.ID, rec.Rows),
		OpenedAt: sub.OpenedAt.UTC().Truncate(time.Millisecond), SubmittedAt: wall,
		Sections: sub.Sections, HLC: clock, Wall: wall, Site: s.Site, User: s.User,
		Index: uint64(next), Prev: prev, PublicKey: s.Key.Public(),
	}
	if sub.OpenedAt.IsZero() {
		e.OpenedAt = time.Time{}
	}
	sig, err := e.Sign(s.Key)
	if err != nil {
		return fail(err)
	}
	id := s.NewID()
	if err := insertEntry(ctx, tx, id, e, sig, content); err != nil {
		return fail(err)
	}
	h := e.Hash()
	if _, err := tx.ExecContext(ctx, `UPDATE evidence_device SET next_index = ?, head_hash = ? WHERE id = 1`,
		next+1, h.String()); err != nil {
		return fail(fmt.Errorf("move chain head: %w", err))
	}
	return Stored{ID: id, Entry: e, Signature: sig, EntryHash: h.String(), Content: bytes.Clone(content)}, nil
}
