package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// The files that hold a device's local data in its data folder: the
// database (with SQLite's write-ahead log and shared-memory files beside
// it) and the attachment folder (photos and signatures, named by hash).
const (
	DatabaseFile = "device.db"
	BlobFolder   = "blobs"
)

// WipeReport says what Wipe removed.
type WipeReport struct {
	// Files is how many files were removed, Bytes their size.
	Files int
	Bytes int64
}

// Wipe removes every local data file of the device in dir — the database,
// its -wal, -shm and -journal files, and the attachment folder with all it
// holds — keeping nothing: what a lost or revoked tablet does (the caller
// shows why first, and closes the database before). Files that do not
// exist are not an error; a file that cannot be removed does not stop the
// others, and the errors come back joined. Other files in dir (the app's
// preferences) stay.
//
// Removing a file frees its blocks without overwriting them: on flash
// storage only the platform's disk encryption makes them unreadable.
func Wipe(dir string) (WipeReport, error) {
	var rep WipeReport
	var errs []error
	remove := func(path string, size int64) {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			return
		} else if err == nil {
			rep.Files++
			rep.Bytes += size
		}
	}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		p := filepath.Join(dir, DatabaseFile+suffix)
		if st, err := os.Lstat(p); err == nil {
			remove(p, st.Size())
		} else if !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	blobs := filepath.Join(dir, BlobFolder)
	var dirs []string
	err := filepath.WalkDir(blobs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			errs = append(errs, err)
			return nil
		}
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		var size int64
		if info, err := d.Info(); err == nil {
			size = info.Size()
		}
		remove(p, size)
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	for i := len(dirs) - 1; i >= 0; i-- { // deepest first
		if err := os.Remove(dirs[i]); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("wipe %s: %w", dir, err)
	}
	return rep, nil
}

// SettingPINWipeAfter is the number of wrong PINs in a row after which the
// device wipes its local data ("0": never); DefaultPINWipeAfter when unset.
const SettingPINWipeAfter = "pin_wipe_after"

// DefaultPINWipeAfter is the wrong-PIN count that wipes the device when
// none is configured.
const DefaultPINWipeAfter = 10

// PINWarnTries is how many tries before the wipe the lock screen warns,
// listing the changes waiting to be pushed that a wipe would lose.
const PINWarnTries = 3

// PINWipe is where the device stands against the wrong-PIN wipe.
type PINWipe struct {
	// Failures is the number of wrong PINs in a row; Limit the count that
	// wipes (0: never).
	Failures, Limit int
}

// TriesLeft is how many wrong PINs remain before the wipe (-1: no limit).
func (p PINWipe) TriesLeft() int {
	if p.Limit <= 0 {
		return -1
	}
	return max(p.Limit-p.Failures, 0)
}

// Due reports whether the device must wipe itself now.
func (p PINWipe) Due() bool { return p.Limit > 0 && p.Failures >= p.Limit }

// Warn reports whether the lock screen must warn that a wipe is near.
func (p PINWipe) Warn() bool { return p.Limit > 0 && !p.Due() && p.TriesLeft() <= PINWarnTries }

// PINWipeState reads the wrong-PIN count Unlock keeps and the configured
// wipe limit. Call it after every wrong PIN: when Due, close the database
// and Wipe; when Warn, show the warning with PendingChanges.
func (s *Store) PINWipeState(ctx context.Context) (PINWipe, error) {
	p := PINWipe{Limit: DefaultPINWipeAfter}
	if v, ok, err := s.Setting(ctx, SettingPINWipeAfter); err != nil {
		return p, err
	} else if ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, fmt.Errorf("setting %s: %q is not a count", SettingPINWipeAfter, v)
		}
		p.Limit = n
	}
	if v, ok, err := s.Setting(ctx, SettingPINFailures); err != nil {
		return p, err
	} else if ok {
		p.Failures, _ = strconv.Atoi(v) // a damaged count reads as none, as Unlock reads it
	}
	return p, nil
}

// PendingChange is one synced table's rows holding writes of this device
// that the server has not acknowledged yet.
type PendingChange struct {
	Table string
	Rows  int
}

// PendingChanges lists, per table, the rows whose writes have not been
// pushed (or not acknowledged): what a wipe now would lose. The database
// must be a replica's (sync/replica), whose metadata says what is pending.
func (s *Store) PendingChanges(ctx context.Context) ([]PendingChange, error) {
	var out []PendingChange
	err := s.queryRows(ctx, "pending changes", `SELECT t.name, count(*) FROM (
			SELECT t, id FROM sync_rows WHERE pend IS NOT NULL
			UNION
			SELECT l.t, l.id FROM sync_log l
			JOIN sync_writers w ON w.w = l.w JOIN sync_state s ON s.id = 1 AND w.site = s.site
		) p JOIN sync_tables t ON t.t = p.t GROUP BY t.name ORDER BY t.name`, nil, func(r *sql.Rows) error {
		var pc PendingChange
		if err := r.Scan(&pc.Table, &pc.Rows); err != nil {
			return err
		}
		out = append(out, pc)
		return nil
	})
	return out, err
}
