-- Visit evidence (docs/EVIDENCE.md). Described in schema/tables.go.
--
-- evidence_entries: one device-signed entry per submitted record, in a hash
-- chain per device (site). Append-only: written once by the submitting
-- device in the submit's transaction, never edited (the server refuses
-- edits: append_only). Every column but content, signature and entry_hash
-- is covered by the Ed25519 signature; content is the record's canonical
-- content (base64), whose SHA-256 is content_hash.
CREATE TABLE evidence_entries (
    id TEXT PRIMARY KEY NOT NULL,
    record_table TEXT,
    record_id TEXT,
    community_id TEXT,
    household_id TEXT,
    elder_id TEXT,
    pairing_id TEXT,
    content_hash TEXT,
    content TEXT,
    blobs TEXT,
    opened_at TEXT,
    submitted_at TEXT,
    sections TEXT,
    hlc INTEGER,
    wall_at TEXT,
    site TEXT,
    user_id TEXT,
    chain_index INTEGER,
    prev_hash TEXT,
    public_key TEXT,
    signature TEXT,
    entry_hash TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX evidence_entries_community_id ON evidence_entries(community_id);
CREATE INDEX evidence_entries_record ON evidence_entries(record_table, record_id);
CREATE INDEX evidence_entries_household_id ON evidence_entries(household_id);
CREATE INDEX evidence_entries_site ON evidence_entries(site, chain_index);

-- evidence_verdicts: the server's verdict on each evidenced or submitted
-- record (verified, pending or flagged, with reasons), written by the
-- server only and read by the desk. One row per record; its id is derived
-- from the record (evidence.VerdictID).
CREATE TABLE evidence_verdicts (
    id TEXT PRIMARY KEY NOT NULL,
    record_table TEXT,
    record_id TEXT,
    community_id TEXT,
    household_id TEXT,
    elder_id TEXT,
    status TEXT,
    reasons TEXT,
    entry_id TEXT,
    entry_hash TEXT,
    checked_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX evidence_verdicts_community_id ON evidence_verdicts(community_id);
CREATE INDEX evidence_verdicts_record ON evidence_verdicts(record_table, record_id);
