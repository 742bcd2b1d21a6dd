package app

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

	"fyne.io/fyne/v2"

	"doorstep/app/records"
	"doorstep/sync/change"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
	"doorstep/sync/replica"
)

// device is the device database: a sync replica, so every write through
// DB() is captured for the next push.
type device struct {
	rep *replica.Replica
}

// openDevice opens (creating if needed) the device replica at path.
func openDevice(ctx context.Context, path string, now func() time.Time) (*device, error) {
	rep, err := replica.Open(ctx, path, replica.Options{Now: now})
	if err != nil {
		return nil, err
	}
	return &device{rep: rep}, nil
}

// DB is the handle for ordinary reads and writes.
func (d *device) DB() *sql.DB { return d.rep.DB() }

// Site is the replica's site id, sent at enrollment.
func (d *device) Site() string { return d.rep.Site() }

// setUser attributes later writes to the signed-in user.
func (d *device) setUser(ctx context.Context, userID string) error {
	return d.rep.SetUser(ctx, userID)
}

// MergeChanges merges a changeset from another replica into the device
// database as a pulled page is merged (per-column last writer wins, nothing
// captured for push, no pull cursor stored). It is for tools and tests: the
// screenshot tool brings in a conflict a server replica detected with it.
func (x *App) MergeChanges(ctx context.Context, set *change.Set) error {
	if x.dev == nil {
		return fmt.Errorf("merge changes: %w", x.fatal)
	}
	if _, err := x.dev.rep.Apply(ctx, set, replica.ApplyOptions{}); err != nil {
		return fmt.Errorf("merge changes: %w", err)
	}
	x.dataChanged()
	return nil
}

// Close closes the database.
func (d *device) Close() error { return d.rep.Close() }

// pending returns how many rows have local changes waiting to be pushed:
// those already folded into the replica's row clocks with a pending
// sequence, and those still in its capture log — but not the rows held
// after the server refused them (replica.Held), which no push carries
// until they are released.
func (d *device) pending(ctx context.Context) (int, error) {
	var n int
	err := d.DB().QueryRowContext(ctx, `SELECT count(*) FROM (
		SELECT t, id FROM sync_rows WHERE pend IS NOT NULL
		UNION SELECT t, id FROM sync_log) p
		WHERE NOT EXISTS (SELECT 1 FROM sync_held h WHERE h.t = p.t AND h.id = p.id)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count pending changes: %w", err)
	}
	return n, nil
}

// uploadBlobs sends every attachment file in dir (named by its SHA-256)
// that the store has not recorded as uploaded, before the rows that
// reference them are pushed. A file whose upload fails stays for the next
// round.
func uploadBlobs(ctx context.Context, c *client.Client, store *records.Store, dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no attachment yet
	}
	if err != nil {
		return fmt.Errorf("list blobs: %w", err)
	}
	done, err := store.UploadedBlobs(ctx)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !blobName.MatchString(name) || done[name] {
			continue // temporary files of an unfinished write, or done
		}
		got, err := uploadBlob(ctx, c, filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if got != name {
			// The file's bytes are not what its name promises (damaged on
			// disk): the server now holds them under their own hash. Rows name
			// the blob by its name, so this is reported, never marked done.
			fyne.LogError("upload blob", fmt.Errorf("blob file %s holds bytes hashing to %s", name, got))
			continue
		}
		if err := store.MarkBlobUploaded(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// blobName matches a blob file's name: 64 lower-case hex digits.
var blobName = regexp.MustCompile(`^[0-9a-f]{64}$`)

// uploadBlob sends the file at path and returns the hash of its bytes.
func uploadBlob(ctx context.Context, c *client.Client, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("upload blob: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("upload blob: %w", err)
	}
	return c.UploadBlob(ctx, f, st.Size())
}

// pushBatch is how many rows one push carries.
const pushBatch = 500

// exchange pushes every local change to the server, batch by batch, each
// acknowledged before the next, then pulls and applies the server's new
// changes page by page, storing the cursor with each page. progress gets
// 0–0.5 while pushing and 0.5–1 while pulling. An error leaves everything
// consistent: an unacknowledged batch is pushed again next time (the
// server applies a batch once) and a page not applied is pulled again.
//
// Pulling also takes away what the user may no longer see (rows the server
// lists as gone; everything not fetched again after the user's scope
// changed), except rows holding writes not yet pushed. So a push the server
// refuses (forbidden_scope after the user lost a community, say) does not
// stop the pull: the refused rows' writes are held on the device, the rest
// is pushed, and the refusal is returned after the pull. An unreachable
// server ends the round at once.
func (d *device) exchange(ctx context.Context, c *client.Client, progress func(float64)) error {
	pushErr := d.pushAll(ctx, c, progress)
	var refused *api.Error
	if pushErr != nil && !errors.As(pushErr, &refused) {
		return pushErr
	}
	progress(0.5)
	if err := d.pullAll(ctx, c, progress); err != nil {
		return errors.Join(pushErr, err)
	}
	progress(1)
	return pushErr
}

// pushAll pushes the outbox batch by batch until it is empty. Rows the
// server refuses by name (forbidden_scope, forbidden_role) are held on the
// device (client.HoldRefused) and the rest pushed; the refusal is returned
// at the end.
func (d *device) pushAll(ctx context.Context, c *client.Client, progress func(float64)) error {
	total, err := d.pending(ctx)
	if err != nil {
		return err
	}
	pushed := 0
	var refusal error
	for {
		set, err := d.rep.Outbox(ctx, pushBatch)
		if err != nil {
			return errors.Join(refusal, err)
		}
		if set.Batch == "" {
			return refusal
		}
		if _, err := c.Push(ctx, set); err != nil {
			held, herr := client.HoldRefused(ctx, d.rep, set.Batch, err)
			if herr != nil || held == 0 {
				return errors.Join(refusal, err, herr)
			}
			refusal = errors.Join(refusal, err)
			continue
		}
		if err := d.rep.Ack(ctx, set.Batch); err != nil {
			return errors.Join(refusal, err)
		}
		pushed += pushBatch
		if total > 0 {
			progress(0.5 * min(1, float64(pushed)/float64(total)))
		}
	}
}

// pullAll applies the server's pages after the stored cursor until none
// is left, each with its cursor, gone rows and (after a scope change) purge.
func (d *device) pullAll(ctx context.Context, c *client.Client, progress func(float64)) error {
	cursor, err := d.rep.PullCursor(ctx)
	if err != nil {
		return err
	}
	for pages := 1; ; pages++ {
		page, err := c.Pull(ctx, cursor)
		if err != nil {
			return err
		}
		if _, err := client.ApplyPage(ctx, d.rep, page); err != nil {
			return err
		}
		cursor = page.Cursor
		if !page.More {
			return nil
		}
		// The number of pages is unknown: approach 1 without reaching it.
		progress(1 - 0.5/float64(pages+1))
	}
}
