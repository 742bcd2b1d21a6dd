-- Enrolled devices and one-time enrollment codes. Tokens and codes are
-- stored as SHA-256 hex digests only; the clear text is shown once.

CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,             -- xid
    user_id TEXT NOT NULL,
    site_id TEXT NOT NULL,                    -- the device replica's site (UUID)
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL DEFAULT '',      -- '' = never
    revoked_at TEXT NOT NULL DEFAULT '',      -- '' = active
    last_seen_at TEXT NOT NULL DEFAULT '',
    last_cursor TEXT NOT NULL DEFAULT '',     -- the cursor of the device's last pull
    last_push_seq INTEGER NOT NULL DEFAULT 0  -- the server sequence of its last acknowledged push
) STRICT;
CREATE INDEX devices_site_id ON devices(site_id);
CREATE INDEX devices_user_id ON devices(user_id);

CREATE TABLE enroll_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT NOT NULL DEFAULT '',
    device_id TEXT NOT NULL DEFAULT ''
) STRICT;
