-- Content-addressed attachments (photos, signatures). The bytes live in
-- files beside the database; these tables say which exist and which rows
-- reference them, so a blob is readable by whoever may read such a row.

CREATE TABLE blobs (
    hash TEXT PRIMARY KEY NOT NULL,    -- SHA-256, lower-case hex
    size INTEGER NOT NULL,
    device_id TEXT NOT NULL,           -- who uploaded it first
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE blob_refs (
    hash TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    PRIMARY KEY (hash, tbl, row_id)
) STRICT, WITHOUT ROWID;
