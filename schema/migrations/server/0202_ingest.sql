-- Server bookkeeping for pushes and pulls.

-- server_meta holds single values, e.g. the server's own site id.
CREATE TABLE server_meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- Every start of the server opens an epoch beginning after the highest
-- committed sequence. A cursor (epoch, seq) is valid only if its epoch is
-- listed here and seq lies within that epoch's committed range; a database
-- restored from an older backup lacks the newer epochs, so devices fetch
-- again from the start instead of silently missing changes.
CREATE TABLE server_epochs (
    epoch TEXT PRIMARY KEY NOT NULL,
    start_seq INTEGER NOT NULL,     -- first sequence number this epoch can issue
    started_at TEXT NOT NULL
) STRICT;

-- Acknowledged push batches, so that a replayed batch is a no-op answered
-- with the same acknowledgement. Keyed by site: a re-enrolled device
-- replaying its outbox is still recognised.
CREATE TABLE push_batches (
    site_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    ack TEXT NOT NULL,              -- the acknowledgement JSON
    received_at TEXT NOT NULL,
    PRIMARY KEY (site_id, batch_id)
) STRICT;
