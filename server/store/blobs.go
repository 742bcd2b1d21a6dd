package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/client/api"
)

// Blobs are content-addressed files: a blob's name is the SHA-256 of its
// bytes (64 lower-case hex digits). Complete blobs live at
// <dir>/<first two hex digits>/<hash>; uploads in progress at
// <dir>/partial/<device>-<hash>, one per device so uploads never mix.

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidHash reports whether h names a blob.
func ValidHash(h string) bool { return hashRE.MatchString(h) }

// blobLocks serialises uploads of the same partial file.
type blobLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (b *blobLocks) lock(key string) func() {
	b.mu.Lock()
	if b.locks == nil {
		b.locks = map[string]*sync.Mutex{}
	}
	m := b.locks[key]
	if m == nil {
		m = &sync.Mutex{}
		b.locks[key] = m
	}
	b.mu.Unlock()
	m.Lock()
	return m.Unlock
}

func (s *Store) blobPath(hash string) string {
	return filepath.Join(s.blobDir, hash[:2], hash)
}

func (s *Store) partialPath(deviceID, hash string) string {
	return filepath.Join(s.blobDir, "partial", deviceID+"-"+hash)
}

// BlobState says how much of a blob the server holds for a device.
type BlobState struct {
	// Complete is true when the whole blob is stored; Size is then its size.
	Complete bool
	Size     int64
	// Offset is how many bytes of the device's unfinished upload are stored
	// (0 when none): the upload resumes there.
	Offset int64
}

// BlobState reports whether hash is stored, and how far the device's own
// upload of it has come. It says nothing about who may read the blob
// (CanReadBlob does).
func (s *Store) BlobState(ctx context.Context, deviceID, hash string) (BlobState, error) {
	if s.blobDir == "" {
		return BlobState{}, ErrNoBlobDir
	}
	if !ValidHash(hash) {
		return BlobState{}, api.Errorf(api.CodeBadRequest, "blob name %q is not a SHA-256 hex digest", hash)
	}
	var st BlobState
	err := s.db.QueryRowContext(ctx, `SELECT size FROM blobs WHERE hash = ?`, hash).Scan(&st.Size)
	switch {
	case err == nil:
		st.Complete = true
	case !errors.Is(err, sql.ErrNoRows):
		return BlobState{}, fmt.Errorf("blob %s: %w", hash, err)
	}
	if deviceID == "" {
		return st, nil
	}
	fi, err := os.Stat(s.partialPath(deviceID, hash))
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return BlobState{}, fmt.Errorf("blob %s: %w", hash, err)
	}
	st.Offset = fi.Size()
	return st, nil
}

// PutBlob stores bytes [offset, offset+length) of blob hash whose total
// size is total, read from r, for a device. A negative total means r holds
// the whole blob from offset 0 (length is then ignored) and its size is
// whatever r holds. The upload must continue exactly where the device's
// stored part ends (CodeBadOffset otherwise, carrying the offset); offset 0
// starts over. A piece shorter than length is refused (CodeBadRequest) and
// its bytes dropped; one longer is refused too. Once total bytes are stored
// the content is hashed: a mismatch is CodeHashMismatch and the upload is
// discarded; a match makes the blob complete and records that the device
// holds it. Blobs over limit bytes are CodeTooLarge.
//
// A blob stored already is uploaded like any other — its bytes are
// received and hashed — so other bytes under its name are
// CodeHashMismatch, the stored blob stays as it was, and the answers tell
// nobody whether it exists.
func (s *Store) PutBlob(ctx context.Context, deviceID, hash string, offset, length, total int64, r io.Reader, limit int64) (BlobState, error) {
	if s.blobDir == "" {
		return BlobState{}, ErrNoBlobDir
	}
	if !ValidHash(hash) {
		return BlobState{}, api.Errorf(api.CodeBadRequest, "blob name %q is not a SHA-256 hex digest", hash)
	}
	if total > limit {
		return BlobState{}, api.Errorf(api.CodeTooLarge, "blob of %d bytes is over the %d-byte limit", total, limit)
	}
	unlock := s.blobLocks.lock(deviceID + hash)
	defer unlock()
	part := s.partialPath(deviceID, hash)
	if err := os.MkdirAll(filepath.Dir(part), 0o750); err != nil {
		return BlobState{}, fmt.Errorf("blob %s: %w", hash, err)
	}
	flags := os.O_WRONLY | os.O_CREATE
	if offset == 0 {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(part, flags, 0o640)
	if err != nil {
		return BlobState{}, fmt.Errorf("blob %s: %w", hash, err)
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return BlobState{}, fmt.Errorf("blob %s: %w", hash, err)
	}
	if have != offset {
		return BlobState{Offset: have}, &api.Error{Code: api.CodeBadOffset,
			Message: fmt.Sprintf("upload of %s continues at byte %d, not %d", hash, have, offset), Offset: &have}
	}
	max := limit - offset
	if total >= 0 {
		max = min(length, total-offset)
	}
	n, err := io.Copy(f, io.LimitReader(r, max+1))
	if err != nil {
		// A broken connection: keep what arrived, the upload resumes there.
		return BlobState{Offset: have}, fmt.Errorf("blob %s: receive: %w", hash, err)
	}
	if n > max {
		os.Remove(part)
		if total < 0 {
			return BlobState{}, api.Errorf(api.CodeTooLarge, "blob is over the %d-byte limit", limit)
		}
		return BlobState{}, api.Errorf(api.CodeBadRequest, "more bytes than the piece's %d or the declared total %d", length, total)
	}
	if total >= 0 && n < length {
		if err := f.Truncate(offset); err != nil {
			return BlobState{}, fmt.Errorf("blob %s: drop short piece: %w", hash, err)
		}
		return BlobState{Offset: offset}, api.Errorf(api.CodeBadRequest,
			"piece of %d bytes, but Content-Range announced %d (bytes %d-%d); it was dropped: send it again from %d", n, length, offset, offset+length-1, offset)
	}
	if err := f.Sync(); err != nil {
		return BlobState{}, fmt.Errorf("blob %s: sync: %w", hash, err)
	}
	size := offset + n
	if total >= 0 && size < total {
		return BlobState{Offset: size}, nil
	}
	return s.finishBlob(ctx, deviceID, hash, part, size)
}

// finishBlob checks a fully received upload and makes it a blob.
func (s *Store) finishBlob(ctx context.Context, deviceID, hash, part string, size int64) (BlobState, error) {
	f, err := os.Open(part)
	if err != nil {
		return BlobState{}, fmt.Errorf("blob %s: %w", hash, err)
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return BlobState{}, fmt.Errorf("blob %s: hash: %w", hash, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != hash {
		os.Remove(part)
		return BlobState{}, api.Errorf(api.CodeHashMismatch, "received %d bytes hashing to %s, not %s; upload again from the start", size, got, hash)
	}
	var stored int64
	err = s.db.QueryRowContext(ctx, `SELECT size FROM blobs WHERE hash = ?`, hash).Scan(&stored)
	switch {
	case err == nil:
		// Stored already (by another device, or by this one before): the
		// bytes match, so keep the stored file and only note the holder.
		os.Remove(part)
	case errors.Is(err, sql.ErrNoRows):
		if err := s.placeBlob(hash, part); err != nil {
			return BlobState{}, err
		}
	default:
		return BlobState{}, fmt.Errorf("blob %s: %w", hash, err)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO blobs(hash, size, device_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			hash, size, deviceID, formatTime(s.now())); err != nil {
			return err
		}
		return recordUpload(ctx, tx, hash, deviceID)
	})
	if err != nil {
		return BlobState{}, fmt.Errorf("blob %s: record: %w", hash, err)
	}
	return BlobState{Complete: true, Size: size}, nil
}

// placeBlob moves a verified upload to its final name.
func (s *Store) placeBlob(hash, part string) error {
	final := s.blobPath(hash)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return fmt.Errorf("blob %s: %w", hash, err)
	}
	if err := os.Rename(part, final); err != nil {
		return fmt.Errorf("blob %s: %w", hash, err)
	}
	if d, err := os.Open(filepath.Dir(final)); err == nil {
		d.Sync() //nolint:errcheck // best effort: the rename is durable on most filesystems anyway
		d.Close()
	}
	return nil
}

// recordUpload notes in tx that device holds blob hash, and turns the
// references it pushed before uploading the blob into references that
// grant access.
func recordUpload(ctx context.Context, tx *sql.Tx, hash, deviceID string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO blob_uploads(hash, device_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, hash, deviceID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO blob_refs(hash, tbl, row_id)
		SELECT hash, tbl, row_id FROM blob_pending_refs WHERE hash = ? AND device_id = ? ON CONFLICT DO NOTHING`, hash, deviceID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM blob_pending_refs WHERE hash = ? AND device_id = ?`, hash, deviceID)
	return err
}

// OpenBlob opens a complete blob for reading. A blob not stored is
// CodeNotFound.
func (s *Store) OpenBlob(ctx context.Context, hash string) (*os.File, error) {
	if s.blobDir == "" {
		return nil, ErrNoBlobDir
	}
	st, err := s.BlobState(ctx, "", hash)
	if err != nil {
		return nil, err
	}
	if !st.Complete {
		return nil, api.Errorf(api.CodeNotFound, "no blob %s", hash)
	}
	f, err := os.Open(s.blobPath(hash))
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", hash, err)
	}
	return f, nil
}

// CanReadBlob reports whether the user of device may download hash: the
// device uploaded it, or the user may read a row whose reference to it
// grants access (see recordBlobRefs).
func (s *Store) CanReadBlob(ctx context.Context, u *scope.User, deviceID, hash string) (bool, error) {
	return canReadBlob(ctx, s.db, u, deviceID, hash)
}

func canReadBlob(ctx context.Context, q querier, u *scope.User, deviceID, hash string) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM blobs WHERE hash = ?`, hash).Scan(&n); err != nil {
		return false, fmt.Errorf("blob %s: %w", hash, err)
	}
	if n == 0 {
		return false, nil
	}
	held, err := uploadedBy(ctx, q, hash, deviceID)
	if err != nil || held {
		return held, err
	}
	rows, err := q.QueryContext(ctx, `SELECT tbl, row_id FROM blob_refs WHERE hash = ?`, hash)
	if err != nil {
		return false, fmt.Errorf("blob %s refs: %w", hash, err)
	}
	byTable := map[string][]string{}
	for rows.Next() {
		var tbl, id string
		if err := rows.Scan(&tbl, &id); err != nil {
			rows.Close()
			return false, fmt.Errorf("blob %s refs: %w", hash, err)
		}
		byTable[tbl] = append(byTable[tbl], id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("blob %s refs: %w", hash, err)
	}
	for tbl, ids := range byTable {
		t, ok := schema.Reg.Table(tbl)
		if !ok {
			continue
		}
		rs, err := scopeRows(ctx, q, t, ids)
		if err != nil {
			return false, err
		}
		for _, r := range rs {
			if scope.CanRead(u, t, r) {
				return true, nil
			}
		}
	}
	return false, nil
}

// uploadedBy reports whether device uploaded blob hash.
func uploadedBy(ctx context.Context, q querier, hash, deviceID string) (bool, error) {
	if deviceID == "" {
		return false, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM blob_uploads WHERE hash = ? AND device_id = ?`, hash, deviceID).Scan(&n); err != nil {
		return false, fmt.Errorf("blob %s: uploads: %w", hash, err)
	}
	return n > 0, nil
}

// blobRefs returns the blob hashes a text value mentions: every run of
// exactly 64 lower-case hex digits, whatever JSON or prefix surrounds it.
func blobRefs(v string) []string {
	var out []string
	run := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] >= 'a' && v[i] <= 'f') {
			run++
			continue
		}
		if run == 64 {
			out = append(out, v[i-64:i])
		}
		run = 0
	}
	return out
}

// PrunePartialUploads deletes unfinished uploads untouched for longer than
// maxAge (a device that never came back) and returns how many it removed.
func (s *Store) PrunePartialUploads(maxAge time.Duration) (int, error) {
	if s.blobDir == "" {
		return 0, ErrNoBlobDir
	}
	dir := filepath.Join(s.blobDir, "partial")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("prune partial uploads: %w", err)
	}
	n := 0
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || fi.IsDir() || s.now().Sub(fi.ModTime()) <= maxAge {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err == nil {
			n++
		}
	}
	return n, nil
}
