package client

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"doorstep/sync/evidence"
)

// blobFile matches an attachment file's name: its SHA-256, 64 lower-case
// hex digits.
var blobFile = regexp.MustCompile(`^[0-9a-f]{64}$`)

// sweepAttachments removes the attachment files in dir that nothing left on
// the device references — no record's attachment column (the evidence kinds'
// blob columns), no evidence entry, no form draft — once the server holds
// them (uploaded_blobs: uploaded by this device or downloaded from the
// server) and they were last written before before. So the photos and
// signatures of rows that left the user's scope, or of closed cases, do
// not stay behind. A file the server does not hold is never removed: it may
// be a photo just taken, not uploaded yet. It returns how many it removed.
func sweepAttachments(ctx context.Context, db *sql.DB, dir string, before time.Time) (int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("retention: list attachments: %w", err)
	}
	held, err := ids(ctx, db, `SELECT hash FROM uploaded_blobs`)
	if err != nil {
		return 0, err
	}
	onServer := map[string]bool{}
	for _, h := range held {
		onServer[h] = true
	}
	var candidates []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !blobFile.MatchString(name) || !onServer[name] {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(before) {
			continue
		}
		candidates = append(candidates, name)
	}
	if len(candidates) == 0 {
		return 0, nil
	}
	used, err := attachmentRefs(ctx, db)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, h := range candidates {
		if used[h] {
			continue
		}
		switch err := os.Remove(filepath.Join(dir, h)); {
		case err == nil:
			n++
		case errors.Is(err, fs.ErrNotExist):
		default:
			errs = append(errs, fmt.Errorf("retention: remove attachment %s: %w", h, err))
		}
	}
	return n, errors.Join(errs...)
}

// attachmentRefs returns every attachment hash the device's records,
// evidence entries and form drafts reference.
func attachmentRefs(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	queries := []string{`SELECT coalesce(blobs,'') FROM evidence_entries`, `SELECT data FROM drafts`}
	for _, k := range evidence.Kinds() {
		for _, b := range k.Blobs {
			queries = append(queries, `SELECT coalesce(`+b.Column+`,'') FROM `+k.Table)
		}
	}
	used := map[string]bool{}
	for _, q := range queries {
		texts, err := ids(ctx, db, q)
		if err != nil {
			return nil, err
		}
		for _, t := range texts {
			for _, h := range blobRefs(t) {
				used[h] = true
			}
		}
	}
	return used, nil
}
