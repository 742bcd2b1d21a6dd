package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"doorstep/schema"
	"doorstep/schema/scope"
)

// pgServerSteps are the PostgreSQL server-table migrations: step i brings
// the database to version i+1 (schema_migrations records each). Like the
// SQLite migrations, changes are additive: a new version appends a step
// and never rewrites an old one. The synced tables are not here: they come
// from the registry (pgDataDDL), re-run whenever it changes.
var pgServerSteps = []string{
	// version 1: every server table up to schema/migrations/server/0211.
	pgServerDDL,
	// version 2: schema/migrations/server/0230_device_keys.sql.
	`ALTER TABLE devices ADD COLUMN IF NOT EXISTS public_key TEXT NOT NULL DEFAULT ''`,
	// version 3: rate limit buckets shared by every process (ratelimit.go).
	// UNLOGGED: no WAL for a write per request; after a crash PostgreSQL
	// empties the table, so every bucket starts full again.
	`CREATE UNLOGGED TABLE IF NOT EXISTS rate_buckets (
    kind TEXT NOT NULL, key TEXT NOT NULL, tokens DOUBLE PRECISION NOT NULL, at BIGINT NOT NULL,
    granted BOOLEAN NOT NULL, PRIMARY KEY (kind, key))`,
	// version 4: cell clocks kept in their row's sync_rows row (pgcells.go),
	// folded from sync_cells, which goes.
	pgCellsInRows + pgCaptureInRows,
	// version 5: the capture trigger of version 4 as it first shipped
	// looked its row up by "t = TG_TABLE_NAME", which PostgreSQL cannot
	// match to sync_rows' (t, id) key (below): every row a server process
	// wrote (an evidence verdict, an administrator's edit) read the whole
	// key index under the write lock. Replaced with the lookup that uses
	// the key.
	pgCaptureInRows,
}

// pgDataFingerprint names one version of the synced tables' DDL.
func pgDataFingerprint(ddl []string) string {
	h := sha256.Sum256([]byte(strings.Join(ddl, ";\n")))
	return hex.EncodeToString(h[:])
}

// pgServerDDL is the PostgreSQL form of schema/migrations/server: the same
// tables and columns (times as fixed-width text, booleans as integers),
// plus the engine's own tables. server_epochs has an explicit "rowid" so
// the shared SQL's ORDER BY rowid means the same on both backends.
const pgServerDDL = `
CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    street_id TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS user_communities (user_id TEXT NOT NULL, community_id TEXT NOT NULL, PRIMARY KEY (user_id, community_id));
CREATE TABLE IF NOT EXISTS user_pairings (user_id TEXT NOT NULL, pairing_id TEXT NOT NULL, PRIMARY KEY (user_id, pairing_id));
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, site_id TEXT NOT NULL, name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL DEFAULT '', revoked_at TEXT NOT NULL DEFAULT '',
    last_seen_at TEXT NOT NULL DEFAULT '', last_cursor TEXT NOT NULL DEFAULT '',
    last_push_seq BIGINT NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS devices_site_id ON devices(site_id);
CREATE INDEX IF NOT EXISTS devices_user_id ON devices(user_id);
CREATE TABLE IF NOT EXISTS enroll_codes (
    code_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
    used_at TEXT NOT NULL DEFAULT '', device_id TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS server_epochs (
    rowid BIGSERIAL UNIQUE, epoch TEXT PRIMARY KEY, start_seq BIGINT NOT NULL, started_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS push_batches (
    site_id TEXT NOT NULL, batch_id TEXT NOT NULL, device_id TEXT NOT NULL, ack TEXT NOT NULL,
    received_at TEXT NOT NULL, digests BYTEA NOT NULL DEFAULT '\x', PRIMARY KEY (site_id, batch_id));
CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, size BIGINT NOT NULL, device_id TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blob_refs (hash TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL, PRIMARY KEY (hash, tbl, row_id));
CREATE TABLE IF NOT EXISTS blob_uploads (hash TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (hash, device_id));
CREATE TABLE IF NOT EXISTS blob_pending_refs (
    hash TEXT NOT NULL, device_id TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL,
    PRIMARY KEY (hash, device_id, tbl, row_id));
CREATE TABLE IF NOT EXISTS scope_moves (
    n BIGSERIAL PRIMARY KEY, tbl TEXT NOT NULL, row_id TEXT NOT NULL, old TEXT NOT NULL, after_seq BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS scope_moves_after ON scope_moves(after_seq);
CREATE INDEX IF NOT EXISTS scope_moves_row ON scope_moves(tbl, row_id);

-- The engine (pgengine.go). sync_state holds the server's site and the
-- highest hybrid-logical-clock time it has seen, shared by every process.
CREATE TABLE IF NOT EXISTS sync_state (id INTEGER PRIMARY KEY CHECK (id = 1), site TEXT NOT NULL, hlc BIGINT NOT NULL DEFAULT 0);
-- Who wrote: a (site, user) pair, numbered.
CREATE TABLE IF NOT EXISTS sync_writers (w BIGSERIAL PRIMARY KEY, site TEXT NOT NULL, "user" TEXT NOT NULL, UNIQUE (site, "user"));
-- One row per data row: the sequence number of its latest change. Pulls
-- walk it in sequence order.
-- scope and pairing are the row's current scope and pairing values (as
-- replica.Row lists them), so a pull reads only rows its user may see
-- (pgfilter.go) through the (scope, seq) and (pairing, seq) indexes.
CREATE TABLE IF NOT EXISTS sync_rows (
    t TEXT NOT NULL, id TEXT NOT NULL, seq BIGINT NOT NULL,
    scope TEXT NOT NULL DEFAULT '', pairing TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (t, id));
CREATE UNIQUE INDEX IF NOT EXISTS sync_rows_seq ON sync_rows(seq);
CREATE INDEX IF NOT EXISTS sync_rows_t_seq ON sync_rows(t, seq);
CREATE INDEX IF NOT EXISTS sync_rows_scope_seq ON sync_rows(scope, seq);
CREATE INDEX IF NOT EXISTS sync_rows_pairing_seq ON sync_rows(pairing, seq);
-- One row per data cell: its clock (hlc, writer) and the sequence number
-- of the change that wrote it. (Until version 4, which keeps the clocks in
-- sync_rows and drops this table.)
CREATE TABLE IF NOT EXISTS sync_cells (
    t TEXT NOT NULL, id TEXT NOT NULL, c TEXT NOT NULL, hlc BIGINT NOT NULL, w BIGINT NOT NULL, seq BIGINT NOT NULL,
    PRIMARY KEY (t, id, c));
-- Batches applied, so a replayed batch changes nothing.
CREATE TABLE IF NOT EXISTS sync_batches (batch TEXT PRIMARY KEY, site TEXT NOT NULL, applied_at TEXT NOT NULL);
CREATE SEQUENCE IF NOT EXISTS sync_seq;

-- Capture: the server's own writes to synced tables (administrators'
-- changes, conflict records, plain SQL) get clocks like any change. The transaction
-- says who writes at what time in doorstep.hlc and doorstep.writer
-- (set_config(..., true): this transaction only); doorstep.applying is
-- set while a push is merged, whose clocks the engine writes itself.
CREATE OR REPLACE FUNCTION sync_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n jsonb := to_jsonb(NEW);
    o jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) ELSE '{}'::jsonb END;
    k text;
    v jsonb;
    h bigint;
    wr bigint;
    sq bigint := 0;
` + pgCaptureClock + `    FOR k, v IN SELECT key, value FROM jsonb_each(n) LOOP
        CONTINUE WHEN k = 'id';
        IF TG_OP = 'INSERT' OR (o -> k) IS DISTINCT FROM v THEN
            IF sq = 0 THEN
                sq := nextval('sync_seq');
            END IF;
            INSERT INTO sync_cells (t, id, c, hlc, w, seq) VALUES (TG_TABLE_NAME, NEW.id, k, h, wr, sq)
                ON CONFLICT (t, id, c) DO UPDATE SET hlc = excluded.hlc, w = excluded.w, seq = excluded.seq;
        END IF;
    END LOOP;
    IF sq <> 0 THEN
        -- TG_ARGV: the table's scope column and pairing column ('' for none).
        INSERT INTO sync_rows (t, id, seq, scope, pairing) VALUES (TG_TABLE_NAME, NEW.id, sq,
                coalesce(n ->> nullif(TG_ARGV[0], ''), ''), coalesce(n ->> nullif(TG_ARGV[1], ''), ''))
            ON CONFLICT (t, id) DO UPDATE SET seq = excluded.seq, scope = excluded.scope, pairing = excluded.pairing;
    END IF;
    RETURN NULL;
END $$;

-- A synced row is never deleted: deleting is writing deleted = 1.
CREATE OR REPLACE FUNCTION sync_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'sync: rows of % are never deleted; set deleted = 1', TG_TABLE_NAME;
END $$;

-- Scope moves (moves.go): the old values of the scope columns named in
-- the trigger's arguments, when any of them changes.
CREATE OR REPLACE FUNCTION scope_move() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o jsonb := to_jsonb(OLD);
    n jsonb := to_jsonb(NEW);
    old_vals jsonb := '{}'::jsonb;
    moved boolean := false;
    k text;
BEGIN
    FOREACH k IN ARRAY TG_ARGV LOOP
        old_vals := old_vals || jsonb_build_object(k, o -> k);
        IF (o -> k) IS DISTINCT FROM (n -> k) THEN
            moved := true;
        END IF;
    END LOOP;
    IF moved THEN
        INSERT INTO scope_moves (tbl, row_id, old, after_seq)
            VALUES (TG_TABLE_NAME, OLD.id, old_vals::text, (SELECT coalesce(max(seq), 0) FROM sync_rows));
    END IF;
    RETURN NULL;
END $$;
`

// pgCaptureClock begins both versions of the capture trigger function: a
// row's id never changes, a merge's writes are not captured (the merge
// writes their clocks), and the clock h and writer wr of the rest are the
// transaction's (doorstep.hlc, doorstep.writer), or, for plain SQL outside
// the store, the next time after every process's, as the system user.
const pgCaptureClock = `BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
        RAISE EXCEPTION 'sync: a row id never changes (%.%)', TG_TABLE_NAME, OLD.id;
    END IF;
    IF coalesce(current_setting('doorstep.applying', true), '') = '1' THEN
        RETURN NULL;
    END IF;
    h := nullif(coalesce(current_setting('doorstep.hlc', true), ''), '')::bigint;
    IF h IS NULL THEN
        -- Plain SQL outside the store's write transactions (psql, an
        -- import): take the write lock as the store does, and write as the
        -- server's system user at the next clock time after every
        -- process's, with the physical time of the database server.
        PERFORM pg_advisory_xact_lock(7237125663561639280);
        SELECT greatest((extract(epoch FROM clock_timestamp()) * 1000)::bigint << 16, s.hlc + 1), s.site
            INTO h, k FROM sync_state s WHERE s.id = 1;
        UPDATE sync_state SET hlc = h WHERE id = 1;
        INSERT INTO sync_writers (site, "user") VALUES (k, '') ON CONFLICT DO NOTHING;
        SELECT w.w INTO wr FROM sync_writers w WHERE w.site = k AND w."user" = '';
        PERFORM set_config('doorstep.hlc', h::text, true), set_config('doorstep.writer', wr::text, true);
    END IF;
    wr := current_setting('doorstep.writer')::bigint;
`

// pgCellsInRows moves the cell clocks from sync_cells (a row a cell) into
// arrays on sync_rows (pgcells.go); version 4 then makes the capture
// trigger write them there (pgCaptureInRows). On a large database the fold
// rewrites every sync_rows row once, in the migration's transaction.
const pgCellsInRows = `
ALTER TABLE sync_rows
    ADD COLUMN IF NOT EXISTS cols TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS hlcs BIGINT[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS ws BIGINT[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS seqs BIGINT[] NOT NULL DEFAULT '{}';
DO $fold$ BEGIN
    IF to_regclass('sync_cells') IS NOT NULL THEN
        UPDATE sync_rows r SET cols = c.cols, hlcs = c.hlcs, ws = c.ws, seqs = c.seqs
            FROM (SELECT t, id, array_agg(c ORDER BY c) AS cols, array_agg(hlc ORDER BY c) AS hlcs,
                    array_agg(w ORDER BY c) AS ws, array_agg(seq ORDER BY c) AS seqs
                FROM sync_cells GROUP BY t, id) AS c
            WHERE r.t = c.t AND r.id = c.id;
        DROP TABLE sync_cells;
    END IF;
END $fold$;
`

// pgCaptureInRows is the capture trigger function of server schema
// version 4 and later (see version 1's): the changed cells' clocks are set
// in the row's sync_rows arrays, a column without one appended. The row is
// found by "t = TG_TABLE_NAME::text COLLATE "default"": TG_TABLE_NAME is of
// type name, whose collation is "C", and a comparison in any collation but
// the key's own (the database's default) cannot search the key (t, id) by
// t; PostgreSQL then reads the whole key index for the id
// (TestPGCaptureUsesRowKey).
const pgCaptureInRows = `
CREATE OR REPLACE FUNCTION sync_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n jsonb := to_jsonb(NEW);
    o jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) ELSE '{}'::jsonb END;
    k text;
    v jsonb;
    h bigint;
    wr bigint;
    sq bigint := 0;
    i integer;
    rc text[];
    rh bigint[];
    rw bigint[];
    rs bigint[];
` + pgCaptureClock + `    SELECT s.cols, s.hlcs, s.ws, s.seqs INTO rc, rh, rw, rs FROM sync_rows s WHERE s.t = TG_TABLE_NAME::text COLLATE "default" AND s.id = NEW.id;
    IF NOT FOUND THEN
        rc := '{}'; rh := '{}'; rw := '{}'; rs := '{}';
    END IF;
    FOR k, v IN SELECT key, value FROM jsonb_each(n) LOOP
        CONTINUE WHEN k = 'id';
        IF TG_OP = 'INSERT' OR (o -> k) IS DISTINCT FROM v THEN
            IF sq = 0 THEN
                sq := nextval('sync_seq');
            END IF;
            i := array_position(rc, k);
            IF i IS NULL THEN
                rc := rc || k; rh := rh || h; rw := rw || wr; rs := rs || sq;
            ELSE
                rh[i] := h; rw[i] := wr; rs[i] := sq;
            END IF;
        END IF;
    END LOOP;
    IF sq <> 0 THEN
        -- TG_ARGV: the table's scope column and pairing column ('' for none).
        INSERT INTO sync_rows (t, id, seq, scope, pairing, cols, hlcs, ws, seqs) VALUES (TG_TABLE_NAME, NEW.id, sq,
                coalesce(n ->> nullif(TG_ARGV[0], ''), ''), coalesce(n ->> nullif(TG_ARGV[1], ''), ''), rc, rh, rw, rs)
            ON CONFLICT (t, id) DO UPDATE SET seq = excluded.seq, scope = excluded.scope, pairing = excluded.pairing,
                cols = excluded.cols, hlcs = excluded.hlcs, ws = excluded.ws, seqs = excluded.seqs;
    END IF;
    RETURN NULL;
END $$;
`

// pgType is the PostgreSQL column type of a registry type.
func pgType(t schema.Type) string {
	switch t {
	case schema.TypeInt:
		return "BIGINT"
	case schema.TypeReal:
		return "DOUBLE PRECISION"
	default:
		return "TEXT"
	}
}

// pgDataDDL creates the synced tables from the registry, with their
// indexes, capture and scope move triggers. Like the SQLite tables, no
// NOT NULL or foreign keys beyond id and deleted: rows arrive column by
// column, in any order. The capture trigger's name sorts after the scope
// move trigger's, so a move records the sequence before the change's own.
// Every index the SQLite migrations make on a synced table is made here
// too (schema.SyncedIndexes).
func pgDataDDL() ([]string, error) {
	indexes, err := schema.SyncedIndexes()
	if err != nil {
		return nil, fmt.Errorf("synced indexes: %w", err)
	}
	var out []string
	for _, t := range schema.Reg.Tables() {
		cols := []string{"id TEXT PRIMARY KEY"}
		for _, c := range t.Columns {
			def := pgType(c.Type)
			if c.Name == "deleted" {
				def += " NOT NULL DEFAULT 0"
			}
			cols = append(cols, fmt.Sprintf("%s %s", c.Name, def))
		}
		out = append(out, fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (%s)", t.Name, strings.Join(cols, ", ")))
		// A column the registry gained after the table was created.
		for _, c := range cols[1:] {
			out = append(out, fmt.Sprintf("ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s", t.Name, c))
		}
		indexed := map[string]bool{"id": true}
		for _, c := range append([]string{t.ScopeColumn, t.PairingColumn}, scope.Columns(t)...) {
			if c != "" && !indexed[c] {
				indexed[c] = true
				out = append(out, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %[1]s_%[2]s ON %[1]s(%[2]s)", t.Name, c))
			}
		}
		for _, about := range scope.AboutTables() {
			if about == t.Name {
				tc, ic, _ := scope.AboutColumns(about)
				out = append(out, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %[1]s_about ON %[1]s(%[2]s, %[3]s)", t.Name, tc, ic))
			}
		}
		for _, x := range indexes {
			if x.Table == t.Name {
				out = append(out, x.SQL())
			}
		}
		out = append(out,
			fmt.Sprintf("CREATE OR REPLACE TRIGGER sync_capture_%[1]s AFTER INSERT OR UPDATE ON %[1]s FOR EACH ROW EXECUTE FUNCTION sync_capture('%[2]s', '%[3]s')",
				t.Name, scopeColumnOf(t), pairingColumnOf(t)),
			fmt.Sprintf("CREATE OR REPLACE TRIGGER sync_no_delete_%[1]s BEFORE DELETE ON %[1]s FOR EACH ROW EXECUTE FUNCTION sync_no_delete()", t.Name))
		if sc := scope.Columns(t); len(sc) > 0 {
			args := make([]string, len(sc))
			for i, c := range sc {
				args[i] = "'" + c + "'"
			}
			out = append(out, fmt.Sprintf("CREATE OR REPLACE TRIGGER scope_move_%[1]s AFTER UPDATE ON %[1]s FOR EACH ROW EXECUTE FUNCTION scope_move(%[2]s)",
				t.Name, strings.Join(args, ", ")))
		}
	}
	return out, nil
}

// scopeColumnOf is the column whose value replica.Row lists as Scope: the
// scope column, except for district tables ("").
func scopeColumnOf(t *schema.Table) string {
	if t.Scope == schema.ScopeDistrict {
		return ""
	}
	return t.ScopeColumn
}

// pairingColumnOf is the column whose value replica.Row lists as Pairing
// ("id" for the row's own id; "" when volunteers never reach the table).
func pairingColumnOf(t *schema.Table) string {
	if t.Pairing == schema.NoPairingAccess {
		return ""
	}
	return t.PairingColumn
}
