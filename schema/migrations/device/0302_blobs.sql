-- Attachments (photos, signatures) this device has uploaded to the server,
-- so a sync round uploads each blob file once. The files themselves live
-- in <data dir>/blobs, named by their SHA-256.
CREATE TABLE uploaded_blobs (
    hash TEXT PRIMARY KEY NOT NULL,
    uploaded_at TEXT NOT NULL
) STRICT;
