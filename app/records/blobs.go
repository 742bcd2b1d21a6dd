package records

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// UploadedBlobs returns the hashes of the blobs this device has uploaded.
func (s *Store) UploadedBlobs(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.queryRows(ctx, "uploaded blobs", `SELECT hash FROM uploaded_blobs`, nil, func(r *sql.Rows) error {
		var h string
		err := r.Scan(&h)
		out[h] = true
		return err
	})
	return out, err
}

// MarkBlobUploaded records that the server holds blob hash.
func (s *Store) MarkBlobUploaded(ctx context.Context, hash string) error {
	_, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO uploaded_blobs(hash, uploaded_at) VALUES (?, ?)`,
		hash, s.now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("mark blob %s uploaded: %w", hash, err)
	}
	return nil
}
