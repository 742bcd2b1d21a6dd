// Package store is the sync server's SQLite database: users, devices and
// enrollment, the replicated data with its server sequence, and blobs.
//
// The server process and the admin commands open the same file at once;
// WAL and a busy timeout let them share it.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"sync"
	"time"

	"doorstep/schema"
	"doorstep/sync/replica"
)

// Options configure Open. Zero fields take the defaults noted.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// BlobDir holds blob files; "<path>-blobs" when empty.
	BlobDir string
	// MaxDrift bounds how far ahead of Now a pushed clock may be (the
	// replica's hybrid logical clock refuses more); its default when zero.
	MaxDrift time.Duration
}

// Open opens (creating if needed) the server database at path as a server
// replica of the synced tables plus the server's own tables. The serving
// process calls StartEpoch after it; admin commands do not.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BlobDir == "" {
		opts.BlobDir = path + "-blobs"
	}
	// FullSync: a push is acknowledged after its commit, so the commit must
	// survive an operating-system crash or power loss, not only a killed
	// process.
	rep, err := replica.Open(ctx, path, replica.Options{Target: schema.Server, Now: opts.Now, MaxDrift: opts.MaxDrift, FullSync: true})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s := &Store{rep: rep, db: rep.DB(), Now: opts.Now, blobDir: opts.BlobDir}
	if err := s.installMoveTriggers(ctx); err != nil {
		rep.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.rep.Close() }

// Replica returns the server's replica of the synced tables.
func (s *Store) Replica() *replica.Replica { return s.rep }

// Store is the server database. It is safe for concurrent use; writes are
// serialised inside the process, and SQLite's busy timeout makes other
// processes (admin commands) wait their turn.
type Store struct {
	rep *replica.Replica
	db  *sql.DB
	// Now is the clock; tests replace it. Never nil after Open.
	Now func() time.Time
	// Rand is the source of tokens and codes; crypto/rand when nil.
	Rand io.Reader

	blobDir   string
	blobLocks blobLocks
	writeMu   sync.Mutex
	ingestMu  sync.Mutex
}

func (s *Store) now() time.Time { return s.Now().UTC() }

func (s *Store) rand() io.Reader {
	if s.Rand != nil {
		return s.Rand
	}
	return rand.Reader
}

// DB returns the underlying handle, for tests and read-only tools.
func (s *Store) DB() *sql.DB { return s.db }

// writeTx runs fn in a write transaction that holds SQLite's write lock
// from the start (so another process's lock is waited for up front, under
// the busy timeout) and commits it when fn returns nil. Writes to synced
// tables inside fn are captured as the server's own changes.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.rep.Write(ctx, "", fn)
}

// timeLayout is fixed-width so stored instants sort as text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}
