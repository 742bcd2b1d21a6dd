-- The device's evidence key and the head of its evidence chain
-- (sync/evidence). Device-local, never synced and never purged: a scope
-- reset may drop the device's own synced evidence rows, but the chain must
-- go on from where it was. One row.
CREATE TABLE evidence_device (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    private_key TEXT NOT NULL,           -- Ed25519 seed, base64 (32 bytes)
    public_key TEXT NOT NULL,            -- base64 (32 bytes)
    created_at TEXT NOT NULL,
    next_index INTEGER NOT NULL DEFAULT 0,  -- chain index of the next entry
    head_hash TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000'
) STRICT;
