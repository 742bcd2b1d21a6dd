-- Sync engine metadata (sync/replica). Never synced; shared by device and
-- server databases. Triggers that capture
-- writes are generated from the table registry by sync/replica at open.

-- This replica: its site id, the last hybrid-logical-clock time it issued or
-- saw, the default user for captured writes, the device's pull cursor and
-- the push batch waiting for acknowledgement.
CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    site TEXT NOT NULL,                  -- this replica's UUID
    hlc INTEGER NOT NULL DEFAULT 0,      -- last HLC issued or observed
    user TEXT NOT NULL DEFAULT '',       -- user of captured writes through DB()
    pull_cursor TEXT NOT NULL DEFAULT '',-- opaque, stored for the sync client
    batch TEXT NOT NULL DEFAULT '',      -- pending push batch id ('' = none)
    batch_seq INTEGER NOT NULL DEFAULT 0,  -- the batch covers own changes up to this seq
    trigger_hash TEXT NOT NULL DEFAULT ''  -- hash of the installed capture triggers
) STRICT;

-- Small stable numbers for synced tables and columns, used in row clocks.
CREATE TABLE sync_tables (
    t INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;
CREATE TABLE sync_columns (
    t INTEGER NOT NULL,
    c INTEGER NOT NULL,                  -- bit number in row clock masks
    name TEXT NOT NULL,
    PRIMARY KEY (t, c),
    UNIQUE (t, name)
) STRICT;

-- Writers: a site and the user signed in there.
CREATE TABLE sync_writers (
    w INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    user TEXT NOT NULL,
    UNIQUE (site, user)
) STRICT;

-- Capture log: one entry per captured row change, appended by the capture
-- triggers in the writing transaction (cheap: no lookups, no indexes) and
-- folded into sync_rows by the next sync operation (sync/replica/fold.go).
CREATE TABLE sync_log (
    seq INTEGER PRIMARY KEY,             -- capture order
    t INTEGER NOT NULL,                  -- sync_tables.t
    id TEXT NOT NULL,                    -- row id
    mask INTEGER NOT NULL,               -- changed columns (sync_columns.c bits)
    hlc INTEGER NOT NULL,                -- the transaction's clock
    w INTEGER NOT NULL                   -- the transaction's writer
) STRICT;

-- The newest clock this database has issued or seen: what a transaction's
-- clock must exceed (read by the capture triggers; see sync/replica).
CREATE VIEW sync_hlc (hlc) AS
    SELECT hlc FROM sync_state WHERE id = 1
    UNION ALL
    SELECT hlc FROM (SELECT hlc FROM sync_log ORDER BY seq DESC LIMIT 1);

-- One clock row per data row: the per-column clocks packed in clk (see
-- sync/replica/rowclock.go), the local sequence of the row's latest change,
-- and on a device the sequence of its first own change not yet acknowledged.
CREATE TABLE sync_rows (
    t INTEGER NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    pend INTEGER,
    clk BLOB NOT NULL,
    PRIMARY KEY (t, id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX sync_rows_seq ON sync_rows(seq);
CREATE INDEX sync_rows_pend ON sync_rows(pend) WHERE pend IS NOT NULL;

-- Device: own unacknowledged writes that a remote change overwrote before
-- they were pushed. They are pushed (and become conflict records on the
-- server) before being forgotten, so nothing typed is lost.
CREATE TABLE sync_lost (
    seq INTEGER NOT NULL,                -- seq of the overwritten own change
    t INTEGER NOT NULL,
    id TEXT NOT NULL,
    c INTEGER NOT NULL,
    value ANY,
    hlc INTEGER NOT NULL,
    w INTEGER NOT NULL,
    base_hlc INTEGER NOT NULL,
    base_w INTEGER NOT NULL,
    batch INTEGER NOT NULL DEFAULT 0,    -- 1: part of the pending push batch
    PRIMARY KEY (seq, c)
) STRICT;

-- Device: the rows of the pending push batch, with their pend when the
-- batch was made: the batch holds their own changes from pend to
-- sync_state.batch_seq, and stays the same until acknowledged.
CREATE TABLE sync_batch (
    t INTEGER NOT NULL,
    id TEXT NOT NULL,
    pend INTEGER NOT NULL,
    PRIMARY KEY (t, id)
) STRICT, WITHOUT ROWID;

-- Push batches already applied here, so a replayed push is a no-op.
CREATE TABLE sync_batches (
    batch TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT;

-- Open conflicts by cell, for resolution by a later write.
CREATE INDEX conflicts_open ON conflicts(row_id, col) WHERE resolved = 0;
