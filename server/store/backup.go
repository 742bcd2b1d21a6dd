package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrBackupPostgres: Backup copies SQLite stores; a PostgreSQL database is
// backed up with PostgreSQL's own tools (pg_dump, see docs/PROTOCOL.md).
var ErrBackupPostgres = errors.New("backup: a PostgreSQL store is backed up with pg_dump (see docs/PROTOCOL.md)")

// Backup writes a consistent copy of a SQLite store to the new file path
// while the server keeps serving (VACUUM INTO: one read transaction, so
// the copy is the database as of one commit, and compacted). The blob
// directory is not part of it: copy it as well (blob files never change
// once written, so copying it after the database is enough). A restored
// copy starts a new epoch when served: devices that synced after the
// backup fetch again from the start rather than miss anything (epoch.go).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.rep == nil {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists already; choose a new file", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
