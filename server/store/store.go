package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"doorstep/schema"
	"doorstep/sync/replica"
)

// Options configure Open. Zero fields take the defaults noted.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// BlobDir holds blob files; "<path>-blobs" when empty for SQLite. A
	// PostgreSQL store has no default: without one (admin commands), blob
	// operations fail with ErrNoBlobDir.
	BlobDir string
	// MaxDrift bounds how far ahead of Now a pushed clock may be (the
	// replica's hybrid logical clock refuses more); its default when zero.
	MaxDrift time.Duration
	// SerialPushes merges every push in its own transaction, one after
	// another, instead of merging pushes that arrive together in one (group
	// commit, groupcommit.go). Benchmarks compare the two; false is the
	// right choice everywhere else.
	SerialPushes bool
	// CheckpointEvery is how often a SQLite store checkpoints its WAL in
	// the background, off the commit path (checkpoint.go); 1 s when zero.
	// Negative: no background checkpoints, SQLite's automatic checkpoint
	// in the commits instead (benchmarks compare the two).
	CheckpointEvery time.Duration
	// WALTruncatePages: when the WAL is still longer than this many pages
	// after a passive background checkpoint, a truncating one runs; 4,096
	// (16 MB) when zero.
	WALTruncatePages int
	// SQLiteConns bounds a SQLite store's open connections (the
	// PostgreSQL pool has its own bound, pgPoolSize); 8 when zero on
	// up to 2 cores (defaultSQLiteConns).
	// Requests beyond it wait for a connection rather than open one: a
	// connection parses the whole schema and holds its own memory.
	SQLiteConns int
}

// Open opens (creating if needed) the server database named by db as a
// server replica of the synced tables plus the server's own tables: a
// PostgreSQL database when db is a postgres:// or postgresql:// URL (see
// openPG), else a SQLite file at that path. The serving process calls
// StartEpoch after it; admin commands do not.
func Open(ctx context.Context, db string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if IsPostgres(db) {
		eng, err := openPG(ctx, db, opts)
		if err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		return newStore(ctx, eng, opts)
	}
	path := db
	if opts.BlobDir == "" {
		opts.BlobDir = path + "-blobs"
	}
	// FullSync: a push is acknowledged after its commit, so the commit must
	// survive an operating-system crash or power loss, not only a killed
	// process.
	manual := opts.CheckpointEvery >= 0
	// Every connection allowed stays open: a connection kept keeps its
	// parsed schema and prepared statements.
	conns := opts.SQLiteConns
	if conns <= 0 {
		conns = defaultSQLiteConns()
	}
	rep, err := replica.Open(ctx, path, replica.Options{Target: schema.Server, Now: opts.Now, MaxDrift: opts.MaxDrift, FullSync: true,
		ManualCheckpoint: manual, IdleConns: conns, MaxConns: conns, CacheMiB: serverCacheMiB})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	eng := sqliteEngine{rep: rep}
	if manual {
		every, pages := opts.CheckpointEvery, opts.WALTruncatePages
		if every == 0 {
			every = defaultCheckpointEvery
		}
		if pages <= 0 {
			pages = defaultWALTruncatePages
		}
		eng.ckpt = startCheckpointer(rep, every, pages)
	}
	s, err := newStore(ctx, eng, opts)
	if err != nil {
		return nil, err
	}
	s.rep = rep
	return s, nil
}

// defaultSQLiteConns is Options.SQLiteConns's default: 8 on up to 2
// cores, else 4 more than the server's default pulls at once (2 per CPU,
// server.Config.MaxPulls), leaving room for the group commit, the evidence
// verifications and the authentication of requests waiting at the pull
// gate. With 1,000 devices starting their first sync at once
// (make load-flood) 8 connections served them in 49–53 s at a peak RSS of
// 287–289 MB, 16 in 48 s at 390 MB; each connection holds its own page
// cache, parsed schema and prepared statements.
func defaultSQLiteConns() int { return max(8, 2*runtime.GOMAXPROCS(0)+4) }

// serverCacheMiB is the page cache of each of a SQLite store's
// connections. A device replica keeps 64 MiB (one writer, tables many
// times the cache at 10× the district); a server has up to
// defaultSQLiteConns connections, each filling its own cache with the same
// pages, and under make load-flood 64 MiB a connection made the flood
// slower (76 s against 52 s with 8 connections) and its peak RSS 405 MB
// against 289 MB. Pages not cached are read from the operating system's.
const serverCacheMiB = 8

// ErrNoBlobDir: the store was opened without a blob directory.
var ErrNoBlobDir = errors.New("store opened without a blob directory")

// IsPostgres reports whether db names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

func newStore(ctx context.Context, eng engine, opts Options) (*Store, error) {
	s := &Store{eng: eng, db: eng.handle(), Now: opts.Now, blobDir: opts.BlobDir, serial: opts.SerialPushes}
	if err := eng.prepare(ctx, s); err != nil {
		eng.close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := s.initFollow(ctx); err != nil {
		eng.close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.eng.close() }

// Replica returns the server's SQLite replica of the synced tables; nil
// for a PostgreSQL store.
func (s *Store) Replica() *replica.Replica { return s.rep }

// Site returns the server's own site id: the site of its own writes
// (conflict records, administrators' changes) and of the pages it sends.
func (s *Store) Site() string { return s.eng.site() }

// Postgres reports whether the store is on PostgreSQL.
func (s *Store) Postgres() bool { return s.rep == nil }

// Store is the server database. It is safe for concurrent use. Writes are
// serialised inside the process; across processes, SQLite's busy timeout
// makes other processes (admin commands) wait their turn, and on
// PostgreSQL a transaction-scoped advisory lock does (see pgengine.go).
type Store struct {
	eng engine
	rep *replica.Replica // nil on PostgreSQL
	db  *sql.DB
	// Now is the clock; tests replace it. Never nil after Open.
	Now func() time.Time
	// Rand is the source of tokens and codes; crypto/rand when nil.
	Rand io.Reader

	blobDir   string
	blobLocks blobLocks
	writeMu   sync.Mutex
	commits   committer
	verifies  verifier
	serial    bool       // Options.SerialPushes
	serialMu  sync.Mutex // one push at a time when serial
}

func (s *Store) now() time.Time { return s.Now().UTC() }

func (s *Store) rand() io.Reader {
	if s.Rand != nil {
		return s.Rand
	}
	return rand.Reader
}

// DB returns the underlying handle, for tests, tools and the demo
// district. Its statements take "?" placeholders on either backend (on
// PostgreSQL the connection rewrites them), and writes to synced tables
// through it are captured as the server's own.
func (s *Store) DB() *sql.DB { return s.db }

// writeTx runs fn in a write transaction that holds SQLite's write lock
// from the start (so another process's lock is waited for up front, under
// the busy timeout) and commits it when fn returns nil. Writes to synced
// tables inside fn are captured as the server's own changes.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.eng.write(ctx, "", fn)
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

// Write runs fn in one write transaction whose writes to synced tables are
// captured as the server's own changes, attributed to user (an
// administrator's import, the demo district; "" for the server itself),
// and commits it when fn returns nil. fn's writes share one clock: they
// win or lose together. Writes outside it (through DB()) are captured too,
// as the server's own.
func (s *Store) Write(ctx context.Context, user string, fn func(tx *sql.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.eng.write(ctx, user, fn)
}
