-- Sync engine (sync/replica): a device drops rows that left its user's scope
-- (Replica.Purge, pulled "gone" rows). Purged rows take their sync_rows
-- entries with them, so the highest local sequence handed out is kept here:
-- sequence numbers never go back, or a new write could be taken for part of
-- an already acknowledged push batch.
ALTER TABLE sync_state ADD COLUMN seq_floor INTEGER NOT NULL DEFAULT 0;
