-- Who may read a blob (issue 10): knowing a hash must not be enough.
-- blob_refs now holds only references that grant access: a row naming a
-- blob its pushing device uploaded, or one already referenced by a row the
-- pushing user may read. References written before this migration stay.

-- Every device that uploaded a blob's whole bytes (and so holds them); the
-- first uploader is also blobs.device_id.
CREATE TABLE blob_uploads (
    hash TEXT NOT NULL,
    device_id TEXT NOT NULL,
    PRIMARY KEY (hash, device_id)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO blob_uploads(hash, device_id) SELECT hash, device_id FROM blobs;

-- References pushed before their blob was uploaded: each becomes a
-- blob_refs row when the device that pushed it uploads the blob.
CREATE TABLE blob_pending_refs (
    hash TEXT NOT NULL,
    device_id TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    PRIMARY KEY (hash, device_id, tbl, row_id)
) STRICT, WITHOUT ROWID;
