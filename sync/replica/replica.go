package replica

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/sync/hlc"
)

// Options configure Open. The zero value opens a device replica with the
// real clock and random ids.
type Options struct {
	// Target selects the migrations: schema.Device (the default when empty)
	// or schema.Server. A server replica is the hub every change passes
	// through, so it alone detects conflicts (see Apply).
	Target schema.Target
	// Now is the physical clock; time.Now when nil.
	Now func() time.Time
	// MaxDrift bounds how far ahead of Now a remote clock may be;
	// hlc.DefaultMaxDrift when zero.
	MaxDrift time.Duration
	// Site is the site id (a canonical UUID) for a new database; ignored
	// for an existing one, which keeps its own. NewSite() when empty.
	Site string
	// NewSite makes a random site UUID; uuid.NewString when nil.
	NewSite func() string
	// NewBatchID makes push batch ids; xid.New().String() when nil.
	NewBatchID func() string
	// FullSync makes every commit wait until the WAL is on stable storage
	// (SQLite synchronous=FULL), so a committed transaction survives an
	// operating-system crash or power loss, not only a process kill. The
	// server sets it: it acknowledges pushes after commit. A device keeps
	// synchronous=NORMAL (durable against app crashes; an OS crash may lose
	// the last commits, which are still in the outbox or pulled again).
	FullSync bool
	// ManualCheckpoint turns off SQLite's automatic WAL checkpoint (run by
	// the commit that crosses 1,000 pages of WAL, inside that commit's
	// call, with synchronous=FULL an fsync of the database file): the
	// caller runs Checkpoint itself, off the commit path. The server sets
	// it: a commit there answers a whole group of pushes, and all of them
	// would wait for the checkpoint.
	ManualCheckpoint bool
	// CacheMiB is SQLite's page cache per connection, in MiB; 64 when
	// zero. SQLite's own default (2 MiB) makes merges, folds and pulls of a
	// database many times that size read most B-tree pages from the
	// operating system: at 10× the demo district they took 15–25× the time
	// of 1× (docs/PERFORMANCE.md). The cache fills only with pages read, so
	// a small database never uses it all.
	CacheMiB int
	// IdleConns is how many connections stay open between uses; 4 when
	// zero. A connection opened anew parses the whole schema (every capture
	// trigger) and starts with no prepared statements: under concurrent
	// requests database/sql's default of two idle connections made the
	// server open and close connections all the time, and a profile of
	// 1,000 devices syncing showed a third of its CPU in SQLite's parser.
	// Each connection may hold up to CacheMiB of cached pages.
	IdleConns int
	// MaxConns bounds the open connections (0: no bound); requests beyond
	// it wait for one to be free. Without a bound, 1,000 devices starting
	// their first sync at once opened some 900 connections, each parsing
	// the schema and holding its own memory: 1.4 GB of server RSS that the
	// SQLite allocator kept after they closed (docs/LOAD.md). A caller
	// that holds a connection (a transaction) while asking for another
	// must keep the number of such callers below the bound: the server's
	// evidence verifier does (verifySlots).
	MaxConns int
}

// defaultIdleConns is Options.IdleConns's default.
const defaultIdleConns = 4

// defaultCacheMiB is Options.CacheMiB's default.
const defaultCacheMiB = 64

func cacheMiB(opts Options) int {
	if opts.CacheMiB > 0 {
		return opts.CacheMiB
	}
	return defaultCacheMiB
}

// Replica is one SQLite database whose synced tables are captured and
// merged. It is safe for concurrent use.
type Replica struct {
	db     *sql.DB
	path   string
	target schema.Target
	site   string
	now    func() time.Time
	newID  func() string
	clock  *hlc.Clock

	applying atomic.Bool // Apply is merging: capture off
	tx       txState

	tables   []*tableMeta // by sync_tables.t
	byName   map[string]*tableMeta
	writers  writerCache
	defaultW atomic.Int64 // writer of DB() writes
	override int64        // writer for the open Write transaction (under tx.mu)

	syncMu sync.Mutex // one sync operation (Apply, Outbox, Ack, Changes) at a time

	prepared atomic.Int64 // statements the connections prepared (stmtcache.go)

	// ckpt is the one connection Checkpoint runs on when the replica was
	// opened with Options.ManualCheckpoint (nil otherwise): never one of
	// db's (see Checkpoint).
	ckpt *sql.DB
}

// Open opens (creating if needed) the replica database at path: it applies
// the target's migrations and the sync metadata tables, installs the
// capture triggers and starts the clock where the database left it.
func Open(ctx context.Context, path string, opts Options) (*Replica, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open replica %s: path may not contain ? or #", path)
	}
	if opts.Target == "" {
		opts.Target = schema.Device
	}
	if opts.Target != schema.Device && opts.Target != schema.Server {
		return nil, fmt.Errorf("open replica %s: unknown target %q", path, opts.Target)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.NewSite == nil {
		opts.NewSite = uuid.NewString
	}
	if opts.NewBatchID == nil {
		opts.NewBatchID = func() string { return xid.New().String() }
	}
	r := &Replica{path: path, target: opts.Target, now: opts.Now, newID: opts.NewBatchID}
	r.writers.init()
	drv, err := r.newDriver()
	if err != nil {
		return nil, fmt.Errorf("open replica %s: %w", path, err)
	}
	syncMode := "NORMAL"
	if opts.FullSync {
		syncMode = "FULL"
	}
	// temp_store(2): temporary files in memory. A statement that writes
	// many rows inside a transaction (a merge's batched upserts) keeps a
	// statement journal of the pages it changes, so that it can be undone
	// alone; past 64 KiB SQLite spills it to a temporary file, one write
	// system call a page. A CPU profile of BenchmarkScaling at 10× the
	// demo district (2026-12-06) found 17 % of all its time in those
	// writes; in memory, ingest at 10× took 42 s instead of 57 s. The
	// journal lasts one statement and holds the pages that statement
	// changed (a page of merged changes: a few MiB). Sorts that outgrow
	// the cache stay in memory too: every sort of a replica or server is
	// bounded by a LIMIT, except an index built on an existing table (a
	// schema upgrade), which holds that index's keys.
	dsn := path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(" + syncMode + ")" +
		"&_pragma=busy_timeout(" + strconv.FormatInt(busyTimeout.Milliseconds(), 10) + ")&_pragma=recursive_triggers(0)" +
		"&_pragma=cache_size(" + strconv.Itoa(-cacheMiB(opts)*1024) + ")&_pragma=temp_store(2)"
	if opts.ManualCheckpoint {
		dsn += "&_pragma=wal_autocheckpoint(0)"
	}
	r.db = sql.OpenDB(connector{drv: drv, dsn: dsn, prepared: &r.prepared})
	idle := opts.IdleConns
	if idle <= 0 {
		idle = defaultIdleConns
	}
	r.db.SetMaxIdleConns(idle)
	if opts.MaxConns > 0 {
		r.db.SetMaxOpenConns(opts.MaxConns)
	}
	if err := r.init(ctx, opts); err != nil {
		r.db.Close()
		return nil, fmt.Errorf("open replica %s: %w", path, err)
	}
	if opts.ManualCheckpoint {
		// Opened after init: the file and its WAL mode exist by now.
		r.ckpt = sql.OpenDB(connector{drv: drv, dsn: dsn, prepared: &r.prepared})
		r.ckpt.SetMaxOpenConns(1)
		r.ckpt.SetMaxIdleConns(1)
	}
	return r, nil
}

func (r *Replica) init(ctx context.Context, opts Options) error {
	if err := r.migrate(ctx); err != nil {
		return err
	}
	site := opts.Site
	if site == "" {
		site = opts.NewSite()
	}
	if _, err := uuid.Parse(site); err != nil || len(site) != 36 || strings.ToLower(site) != site {
		return fmt.Errorf("site %q is not a canonical UUID", site)
	}
	if _, err := r.db.ExecContext(ctx, `INSERT OR IGNORE INTO sync_state (id, site) VALUES (1, ?)`, site); err != nil {
		return fmt.Errorf("init sync state: %w", err)
	}
	var stored int64
	var user string
	if err := r.db.QueryRowContext(ctx, `SELECT site, hlc, user FROM sync_state WHERE id = 1`).Scan(&r.site, &stored, &user); err != nil {
		return fmt.Errorf("read sync state: %w", err)
	}
	r.clock = hlc.NewClock(opts.Now, opts.MaxDrift, hlc.Timestamp(stored))
	if err := r.loadTables(ctx); err != nil {
		return err
	}
	if err := r.writers.load(ctx, r.db); err != nil {
		return err
	}
	w, err := r.writers.id(ctx, r.db, r.site, user)
	if err != nil {
		return err
	}
	r.defaultW.Store(w)
	return r.installTriggers(ctx)
}

// ErrNewerSchema: the database was migrated by a newer build than this
// one. It is left untouched: this build would install its older capture
// triggers over it and sync its rows without the columns it does not
// know.
var ErrNewerSchema = errors.New("the database was made by a newer release; open it with that release or a later one")

// migrate refuses a database a newer build migrated (ErrNewerSchema), and
// runs schema.Migrate unless every migration of the target is
// already recorded (the common case at start-up, where Migrate would open a
// transaction per migration only to find it applied).
func (r *Replica) migrate(ctx context.Context) error {
	ms, err := schema.Migrations(r.target)
	if err != nil {
		return err
	}
	known := 0
	for _, m := range ms {
		known = max(known, m.Version)
	}
	applied := map[int]bool{}
	rows, err := r.db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err == nil {
		for rows.Next() {
			var v int
			if rows.Scan(&v) == nil {
				applied[v] = true
				if v > known {
					rows.Close()
					return fmt.Errorf("%w: it holds migration %d, this build knows up to %d", ErrNewerSchema, v, known)
				}
			}
		}
		rows.Close()
	}
	for _, m := range ms {
		if !applied[m.Version] {
			return schema.Migrate(ctx, r.db, r.target)
		}
	}
	return nil
}

// DB returns the database handle. Write the synced tables with ordinary SQL
// through it: every INSERT and UPDATE is captured in its own transaction, a
// DELETE becomes "deleted = 1", and changing a row's id is refused. Never
// open the file another way while the replica is open: writes from a handle
// without the replica's functions fail (by design) rather than go
// uncaptured.
func (r *Replica) DB() *sql.DB { return r.db }

// Close closes the database.
func (r *Replica) Close() error {
	if r.ckpt != nil {
		if err := r.ckpt.Close(); err != nil {
			r.db.Close()
			return fmt.Errorf("close replica %s: %w", r.path, err)
		}
	}
	if err := r.db.Close(); err != nil {
		return fmt.Errorf("close replica %s: %w", r.path, err)
	}
	return nil
}

// Checkpoint copies the WAL into the database file, for a replica opened
// with Options.ManualCheckpoint. A PASSIVE checkpoint (truncate false)
// copies what it can without waiting for readers or writers. A TRUNCATE
// checkpoint waits for readers still using the WAL, holding off writers
// meanwhile, then copies everything and empties the WAL file: for when
// the WAL has grown because readers kept passive checkpoints from
// finishing. It waits at most truncateWait (not the connections' busy
// timeout), so writers are never held off longer; when readers stay, it
// gives up and reports busy. It returns the WAL's size and how much of it
// is now in the database, in pages, and whether the checkpoint could not
// finish (busy).
//
// With Options.ManualCheckpoint it runs on a connection of its own, never
// on one that serves DB(). Run on those, a checkpoint every second made
// long reads re-read their pages from the operating system again and
// again: a district supervisor's pull of 10× the demo district, repeated
// three times on a store with 8 connections, read 73, 603 and 1,287 bytes
// a change from the file (the database read once is 73); at 100× the
// first pull read 1,214 and took twice the CPU time. On a connection of
// its own, every round read 73 (2026-12-07, measured with /proc/self/io;
// TestCheckpointKeepsReadersCached).
func (r *Replica) Checkpoint(ctx context.Context, truncate bool) (walPages, copied int, busy bool, err error) {
	db := r.db
	if r.ckpt != nil {
		db = r.ckpt
	}
	var b int
	if !truncate {
		if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&b, &walPages, &copied); err != nil {
			return 0, 0, false, fmt.Errorf("checkpoint %s: %w", r.path, err)
		}
		return walPages, copied, b != 0, nil
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, 0, false, fmt.Errorf("checkpoint %s (truncate): %w", r.path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, truncateWait.Milliseconds())); err != nil {
		return 0, 0, false, fmt.Errorf("checkpoint %s (truncate): %w", r.path, err)
	}
	// The connection goes back to the pool with the usual timeout.
	defer conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA busy_timeout = %d`, busyTimeout.Milliseconds())) //nolint:errcheck // best effort; a failure closes nothing
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&b, &walPages, &copied)
	if err != nil {
		return 0, 0, false, fmt.Errorf("checkpoint %s (truncate): %w", r.path, err)
	}
	return walPages, copied, b != 0, nil
}

// busyTimeout is how long a statement waits for a lock (the connections'
// busy_timeout); truncateWait how long a truncating checkpoint waits for
// readers, holding off writers.
const (
	busyTimeout  = 10 * time.Second
	truncateWait = 200 * time.Millisecond
)

// Site returns this replica's site id.
func (r *Replica) Site() string { return r.site }

// Target returns whether this is a device or server replica.
func (r *Replica) Target() schema.Target { return r.target }

// Clock returns the replica's hybrid logical clock.
func (r *Replica) Clock() *hlc.Clock { return r.clock }

// User returns the user that writes through DB() are attributed to.
func (r *Replica) User() string { return r.writers.get(r.defaultW.Load()).user }

// SetUser attributes later writes through DB() to user (the signed-in user
// on a device; "" for none). It is remembered across restarts.
func (r *Replica) SetUser(ctx context.Context, user string) error {
	w, err := r.writers.id(ctx, r.db, r.site, user)
	if err != nil {
		return fmt.Errorf("set user %q: %w", user, err)
	}
	if _, err := r.db.ExecContext(ctx, `UPDATE sync_state SET user = ? WHERE id = 1`, user); err != nil {
		return fmt.Errorf("set user %q: %w", user, err)
	}
	r.defaultW.Store(w)
	return nil
}

// Write runs fn in one write transaction whose captured changes are
// attributed to user (the server's admin commands, a device writing on
// behalf of a user other than SetUser's). The transaction takes the write
// lock before fn runs, so fn may read and then write without SQLITE_BUSY.
// fn's writes share one clock: they win or lose together.
func (r *Replica) Write(ctx context.Context, user string, fn func(tx *sql.Tx) error) error {
	w, err := r.writers.id(ctx, r.db, r.site, user)
	if err != nil {
		return fmt.Errorf("write as %q: %w", user, err)
	}
	tx, err := r.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("write as %q: %w", user, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	r.tx.mu.Lock()
	r.override = w
	r.tx.mu.Unlock()
	err = fn(tx)
	r.tx.mu.Lock()
	r.override = 0
	r.tx.mu.Unlock()
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write as %q: commit: %w", user, err)
	}
	return nil
}

// beginWrite begins a transaction holding the database's write lock.
func (r *Replica) beginWrite(ctx context.Context) (*sql.Tx, error) {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET hlc = hlc WHERE id = 1`); err != nil {
		tx.Rollback() //nolint:errcheck // the lock error is the one to report
		return nil, fmt.Errorf("take write lock: %w", err)
	}
	return tx, nil
}

// currentWriter is the writer of a transaction starting now (tx.mu held).
func (r *Replica) currentWriter() int64 {
	if r.override != 0 {
		return r.override
	}
	return r.defaultW.Load()
}

// isOwn reports whether writer w is this replica's site.
func (r *Replica) isOwn(w int64) bool { return r.writers.get(w).site == r.site }
