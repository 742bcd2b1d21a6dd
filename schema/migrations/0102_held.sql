-- Sync engine (sync/replica): device rows whose unpushed writes the server
-- refused (forbidden_scope, forbidden_role). Their writes stay on the
-- device, out of push batches, until released (Replica.Release), e.g.
-- after an administrator restored the user's scope. Empty on the server.
CREATE TABLE sync_held (
    t INTEGER NOT NULL,
    id TEXT NOT NULL,
    code TEXT NOT NULL,                  -- the server's refusal code
    reason TEXT NOT NULL,                -- the server's message
    held_at TEXT NOT NULL,               -- RFC 3339 UTC
    PRIMARY KEY (t, id)
) STRICT, WITHOUT ROWID;
