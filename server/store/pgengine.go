package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/sync/hlc"
)

// Several server processes share one PostgreSQL database. Every write
// transaction (a merged push, an administrator's change, enrollment, a
// blob record) first takes the transaction-scoped advisory lock
// pgWriteLock, so:
//
//   - writes are serialised across processes exactly as they are inside
//     one (a merge reads clocks, then writes: no two merges interleave);
//   - sequence numbers (nextval('sync_seq')) are handed out in commit
//     order: a transaction holding numbers commits (and becomes visible)
//     before the next one can take the lock and draw any, since PostgreSQL
//     makes a commit visible before it releases the transaction's locks.
//     A pull reading "seq > cursor" can therefore never see a number while
//     a smaller one is still uncommitted, and never skips a change that
//     commits late;
//   - the server's hybrid logical clock (sync_state.hlc) is read and
//     advanced under the lock, so two processes never issue the same time
//     for the server's own writes.
//
// Reads (pulls, authentication, rights checks) take no lock. The price is
// one writer at a time per database, as with SQLite; group commit (many
// pushes merged in one transaction) is what makes that cheap, and a merge
// holds the lock only for its writes: it reads the rows it merges, their
// clocks and the writers it needs before taking it, outside any
// transaction, and once it holds it checks in one statement that its
// batch is still unmerged and that no row it read has a new sequence
// number (every write to a row gives it one), reading the rows again in
// the rare case one has (pgmerge.go). New writers are added under the
// lock, so nothing a merge has written waits on another process's lock.
const pgWriteLock int64 = 0x646f6f7273746570 // "doorstep"; pgschema.go's sync_capture names it too

// pgEngine is the PostgreSQL engine.
type pgEngine struct {
	db       *sql.DB
	siteID   string
	now      func() time.Time
	clock    *hlc.Clock
	mu       sync.Mutex // writers cache
	writers  map[int64]writerKey
	writerID map[writerKey]int64
	// beforeLock, when set (by tests), runs in a merge between its reads
	// and its taking the write lock.
	beforeLock func()
	// rows holds the rows pulls read most recently (pgrowcache.go).
	rows *rowCache
	// old: the database was found upgraded past this process (pgfence.go).
	old atomic.Bool
}

// writerKey is who wrote a change: a site (device or server) and its user.
type writerKey struct{ site, user string }

// openPG opens (creating the schema if needed) a PostgreSQL store engine.
func openPG(ctx context.Context, dsn string, opts Options) (*pgEngine, error) {
	db, err := openPGHandle(dsn)
	if err != nil {
		return nil, err
	}
	e := &pgEngine{db: db, now: opts.Now, writers: map[int64]writerKey{}, writerID: map[writerKey]int64{},
		rows: newRowCache(pgRowCacheRows)}
	if err := e.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	var stored int64
	if err := db.QueryRowContext(ctx, `SELECT site, hlc FROM sync_state WHERE id = 1`).Scan(&e.siteID, &stored); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: read sync state: %w", err)
	}
	e.clock = hlc.NewClock(opts.Now, opts.MaxDrift, hlc.Timestamp(stored))
	return e, nil
}

// migrate brings the schema up to date under the write lock, so
// processes starting together do not race: the server-table steps not yet
// recorded in schema_migrations (pgServerSteps), then, when the synced
// tables' DDL differs from what the database last ran (its fingerprint in
// server_meta), that DDL again. Every data statement is idempotent (IF NOT
// EXISTS, ADD COLUMN IF NOT EXISTS, OR REPLACE), so a registry that gained
// a table or a column reaches a database created before it.
func (e *pgEngine) migrate(ctx context.Context) error {
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, pgWriteLock); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	// schema_migrations is the first statement of step 1; creating it here
	// first lets a new database be read like any other.
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	// Server tables a newer release made: left as they are (pgfence.go).
	if err := e.checkVersions(have, "0"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for v := have + 1; v <= len(pgServerSteps); v++ {
		if _, err := tx.ExecContext(ctx, pgServerSteps[v-1]); err != nil {
			return fmt.Errorf("migrate: server tables, version %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, formatTime(e.now())); err != nil {
			return fmt.Errorf("migrate: record version %d: %w", v, err)
		}
	}
	ddl, err := pgDataDDL()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	want := pgDataFingerprint(ddl)
	var ran, data string
	if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM server_meta WHERE key = 'pg_data_ddl'), ''), `+
		`coalesce((SELECT value FROM server_meta WHERE key = '`+pgDataVersionKey+`'), '0')`).Scan(&ran, &data); err != nil {
		return fmt.Errorf("migrate: read data schema fingerprint: %w", err)
	}
	// Synced tables a newer release upgraded are left as they are: running
	// this release's DDL would put back its older capture trigger.
	if err := e.checkVersions(have, data); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if ours := strconv.Itoa(schema.Version); data != ours {
		if _, err := tx.ExecContext(ctx, `INSERT INTO server_meta (key, value) VALUES ('`+pgDataVersionKey+`', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, ours); err != nil {
			return fmt.Errorf("migrate: record the synced tables' schema version: %w", err)
		}
	}
	if ran != want {
		for _, q := range ddl {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("migrate: %s: %w", firstLine(q), err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO server_meta (key, value) VALUES ('pg_data_ddl', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, want); err != nil {
			return fmt.Errorf("migrate: record data schema fingerprint: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sync_state (id, site) VALUES (1, ?) ON CONFLICT DO NOTHING`, uuid.NewString()); err != nil {
		return fmt.Errorf("migrate: sync state: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

func (e *pgEngine) handle() *sql.DB { return e.db }
func (e *pgEngine) site() string    { return e.siteID }
func (e *pgEngine) close() error    { return e.db.Close() }

// prepare has nothing to do: migrate created the triggers.
func (e *pgEngine) prepare(context.Context, *Store) error { return nil }

// beginWrite begins a transaction holding the write lock, with the
// server's clock caught up with every process's (sync_state.hlc).
func (e *pgEngine) beginWrite(ctx context.Context) (*sql.Tx, error) {
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if err := e.lock(ctx, tx, ""); err != nil {
		tx.Rollback() //nolint:errcheck // the lock error is the one to report
		return nil, err
	}
	return tx, nil
}

// lock takes the write lock in tx, catches the server's clock up with
// every process's (sync_state.hlc, read once the lock is held), and sets
// doorstep.applying for the rest of tx ("1": a merge, which writes its
// clocks itself; "": writes the capture trigger gives clocks).
func (e *pgEngine) lock(ctx context.Context, tx *sql.Tx, applying string) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, pgWriteLock); err != nil {
		return fmt.Errorf("take write lock: %w", err)
	}
	var stored int64
	var set, data string
	var steps int
	if err := tx.QueryRowContext(ctx, `SELECT hlc, set_config('doorstep.applying', ?, true), `+pgVersionsSQL+` FROM sync_state WHERE id = 1`,
		applying).Scan(&stored, &set, &steps, &data); err != nil {
		return fmt.Errorf("read clock: %w", err)
	}
	if err := e.checkVersions(steps, data); err != nil {
		return err
	}
	e.clock.Observe(hlc.Timestamp(stored))
	return nil
}

// batchApplied reports whether a batch was merged already ("" never was).
func batchApplied(ctx context.Context, q querier, batch string) (bool, error) {
	if batch == "" {
		return false, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM sync_batches WHERE batch = ?`, batch).Scan(&n); err != nil {
		return false, fmt.Errorf("batch %s: %w", batch, err)
	}
	return n > 0, nil
}

// unchanged checks, in tx holding the write lock, what a merge read before
// taking it: whether its batch has been merged since (dup), and whether
// every row it read still has the sequence number it had, none having
// been listed since (same). Every write to a synced row gives it a new
// sequence number, and loadRows read each row's number before its values,
// so same means the rows read are the rows stored.
func unchanged(ctx context.Context, tx *sql.Tx, batch string, state map[string]*pgRow) (dup, same bool, err error) {
	ts, ids := make([]string, 0, len(state)), make([]string, 0, len(state))
	listed := 0
	for _, r := range state {
		ts, ids = append(ts, r.t.Name), append(ids, r.id)
		if r.seq != 0 {
			listed++
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT b.n, v.t, v.id, v.seq
  FROM (SELECT count(*) AS n FROM sync_batches WHERE batch = ?) AS b
  LEFT JOIN LATERAL (SELECT s.t, s.id, s.seq FROM unnest(?::text[], ?::text[]) AS m(t, id)
      JOIN sync_rows s ON s.t = m.t AND s.id = m.id) AS v ON true`, batch, ts, ids)
	if err != nil {
		return false, false, fmt.Errorf("check the rows read: %w", err)
	}
	defer rows.Close()
	same = true
	n := 0
	for rows.Next() {
		var count int64
		var t, id sql.NullString
		var seq sql.NullInt64
		if err := rows.Scan(&count, &t, &id, &seq); err != nil {
			return false, false, fmt.Errorf("check the rows read: %w", err)
		}
		dup = dup || count > 0
		if !t.Valid {
			continue
		}
		n++
		if r := state[t.String+"\x00"+id.String]; r == nil || r.seq != seq.Int64 {
			same = false
		}
	}
	if err := rows.Err(); err != nil {
		return false, false, fmt.Errorf("check the rows read: %w", err)
	}
	return dup, same && n == listed, nil
}

// capture makes the rest of tx's writes to synced tables the changes of
// writer w at time h.
func capture(ctx context.Context, tx *sql.Tx, h hlc.Timestamp, w int64) error {
	_, err := tx.ExecContext(ctx, `SELECT set_config('doorstep.applying', '', true), set_config('doorstep.hlc', ?, true),
		set_config('doorstep.writer', ?, true)`, strconv.FormatInt(int64(h), 10), strconv.FormatInt(w, 10))
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	return nil
}

// saveClock persists the clock in tx (never lowering it).
func (e *pgEngine) saveClock(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET hlc = ? WHERE id = 1 AND hlc < ?`,
		int64(e.clock.Last()), int64(e.clock.Last())); err != nil {
		return fmt.Errorf("save clock: %w", err)
	}
	return nil
}

func (e *pgEngine) write(ctx context.Context, user string, fn func(tx *sql.Tx) error) error {
	tx, err := e.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("write as %q: %w", user, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	w, err := e.writer(ctx, tx, writerKey{e.siteID, user})
	if err != nil {
		return fmt.Errorf("write as %q: %w", user, err)
	}
	if err := capture(ctx, tx, e.clock.Now(), w); err != nil {
		return fmt.Errorf("write as %q: %w", user, err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := e.saveClock(ctx, tx); err != nil {
		return fmt.Errorf("write as %q: %w", user, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write as %q: commit: %w", user, err)
	}
	return nil
}

// lookupWriter returns the number of a writer, and false if it has none
// yet (writer adds it, under the write lock).
func (e *pgEngine) lookupWriter(ctx context.Context, q querier, k writerKey) (int64, bool, error) {
	e.mu.Lock()
	w, ok := e.writerID[k]
	e.mu.Unlock()
	if ok {
		return w, true, nil
	}
	err := q.QueryRowContext(ctx, `SELECT w FROM sync_writers WHERE site = ? AND "user" = ?`, k.site, k.user).Scan(&w)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("writer %s/%q: %w", k.site, k.user, err)
	}
	return w, true, nil
}

// writer returns the number of a writer, adding it in tx if new. It reads
// and writes through tx and caches nothing: a number added by a
// transaction that rolls back must not stay in a cache.
func (e *pgEngine) writer(ctx context.Context, tx *sql.Tx, k writerKey) (int64, error) {
	e.mu.Lock()
	w, ok := e.writerID[k]
	e.mu.Unlock()
	if ok {
		return w, nil
	}
	err := tx.QueryRowContext(ctx, `SELECT w FROM sync_writers WHERE site = ? AND "user" = ?`, k.site, k.user).Scan(&w)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `INSERT INTO sync_writers (site, "user") VALUES (?, ?) RETURNING w`, k.site, k.user).Scan(&w)
	}
	if err != nil {
		return 0, fmt.Errorf("writer %s/%q: %w", k.site, k.user, err)
	}
	return w, nil
}

// writerOf returns who writer w is. The cache is filled from committed
// writers only (read outside any transaction); a writer added by q's own
// open transaction is read through q, uncached.
func (e *pgEngine) writerOf(ctx context.Context, q querier, w int64) (writerKey, error) {
	e.mu.Lock()
	k, ok := e.writers[w]
	e.mu.Unlock()
	if ok {
		return k, nil
	}
	if err := e.loadWriters(ctx); err != nil {
		return writerKey{}, err
	}
	e.mu.Lock()
	k, ok = e.writers[w]
	e.mu.Unlock()
	if ok {
		return k, nil
	}
	err := q.QueryRowContext(ctx, `SELECT site, "user" FROM sync_writers WHERE w = ?`, w).Scan(&k.site, &k.user)
	if err != nil {
		return writerKey{}, fmt.Errorf("writer %d: %w", w, err)
	}
	return k, nil
}

// loadWriters fills the writer cache with every committed writer.
func (e *pgEngine) loadWriters(ctx context.Context) error {
	rows, err := e.db.QueryContext(ctx, `SELECT w, site, "user" FROM sync_writers`)
	if err != nil {
		return fmt.Errorf("writers: %w", err)
	}
	defer rows.Close()
	e.mu.Lock()
	defer e.mu.Unlock()
	for rows.Next() {
		var n int64
		var k writerKey
		if err := rows.Scan(&n, &k.site, &k.user); err != nil {
			return fmt.Errorf("writers: %w", err)
		}
		e.writers[n], e.writerID[k] = k, n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("writers: %w", err)
	}
	return nil
}
